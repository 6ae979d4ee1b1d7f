"""A fake disbursement provider for tests, benchmarks and `make run`: a real HTTP server speaking
both the Xendit-like and the Iris-like shape, enforcing idempotency keys, sending authenticated
callbacks, and failing on command (see faults.py)."""
