"""Procurement plans (RUP, published through SIRUP): imported rows and the tenders that cite them."""
