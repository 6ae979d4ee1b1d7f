"""Terang gateway: REST API, workers and explorer pages between agencies, the chain and payments."""
