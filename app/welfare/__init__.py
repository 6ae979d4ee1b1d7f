"""Welfare (bansos): programmes, enrolment by NIK, beneficiaries, appeals and per-period disbursements."""
