"""A fake SMS/WhatsApp provider for local runs and tests (the message API of app/welfare/messenger.py)."""
