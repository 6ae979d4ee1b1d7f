"""E-Purchasing from LKPP's electronic catalogue (e-Katalog): snapshots, products, orders."""
