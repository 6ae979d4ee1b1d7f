"""Secrets at rest: values sealed per purpose by envelope encryption, each naming its key id, bound
to what they belong to (keyring.py); where the keys live (providers.py); rotation (rotation.py,
`python -m app.keyring`); the format before the keyring, still read (sealing.py)."""
