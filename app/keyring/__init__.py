"""Secrets at rest: values sealed with AES-256-GCM, bound to what they belong to."""
