"""Supplier data from SIKaP: business ids (NIB), qualifications (KBLI, SBU) and the national blacklist."""
