"""A DTSEN-shaped extract as the social registry sends it (app/welfare/registry_import.py): the CSV,
its detached Ed25519 signature (`<file>.sig`, base64) and the registry's public key (PEM), all made
here with a key generated for the test."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.welfare.registry_import import COLUMNS


def signed_extract(folder: Path, name: str, rows) -> tuple[Path, Path, Ed25519PrivateKey]:
    """`rows`: (household, NIK, name, decile, region, seven component counts). Returns the extract,
    the registry's public key file and its private key (to sign a changed extract again)."""
    lines = [",".join(COLUMNS)] + [
        ",".join([h, nik, head, str(d), str(r), *map(str, c)]) for h, nik, head, d, r, c in rows
    ]
    extract = folder / name
    extract.write_bytes(("\n".join(lines) + "\n").encode())
    private = Ed25519PrivateKey.generate()
    public = folder / "dtsen.pem"
    public.write_bytes(private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    (folder / f"{name}.sig").write_bytes(base64.b64encode(private.sign(extract.read_bytes())))
    return extract, public, private
