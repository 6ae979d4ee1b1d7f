"""Suppliers (penyedia): registration, verification, blacklist, key rotation and gateway-managed keys."""
