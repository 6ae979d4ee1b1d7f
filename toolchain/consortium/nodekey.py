"""An agency's node key, made on its own host: a secp256k1 private key in DIR/key (mode 0600, the
form Besu reads with --node-private-key-file), its public half in DIR/key.pub and the validator
address in DIR/address. Only the public half is ever printed."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from eth_keys import keys

from toolchain.consortium.inputs import KitError

SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True)
class NodeIdentity:
    address: str  # the validator address (QBFT: the node key's address)
    public_key: str  # 128 hex digits: the enode URL's node id

    def as_json(self, key_file: Path) -> dict:
        return {"address": self.address, "publicKey": self.public_key, "keyFile": str(key_file)}


def identity_of(private_key: bytes) -> NodeIdentity:
    public = keys.PrivateKey(private_key).public_key
    return NodeIdentity(address=public.to_checksum_address(), public_key=public.to_bytes().hex())


def _fresh_key() -> bytes:
    while True:
        candidate = secrets.token_bytes(32)
        if 0 < int.from_bytes(candidate, "big") < SECP256K1_ORDER:
            return candidate


def make_node_key(folder: Path) -> tuple[NodeIdentity, Path]:
    """Writes a fresh key into `folder` (made 0700 if missing); refuses to replace an existing key."""
    if folder.exists() and not folder.is_dir():
        raise KitError(f"--out: {folder} exists and is not a directory")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_file = folder / "key"
    if key_file.exists():
        raise KitError(f"--out: {key_file} already exists; a node key is never replaced (move it away first)")
    private_key = _fresh_key()
    identity = identity_of(private_key)
    # O_EXCL: never through a file someone placed meanwhile; 0600 from the first byte.
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write("0x" + private_key.hex())
    os.chmod(key_file, 0o600)  # whatever the umask
    (folder / "key.pub").write_text("0x" + identity.public_key + "\n")
    (folder / "address").write_text(identity.address + "\n")
    return identity, key_file
