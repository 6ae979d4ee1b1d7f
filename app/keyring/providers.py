"""Key providers: where the key-encryption keys (KEKs) of each purpose live.

The keyring (app/keyring/keyring.py) never needs a KEK itself: it asks its provider to wrap and
unwrap 32-byte data keys under a purpose's key id, with associated data naming the purpose and the
key id. That is the interface a KMS or an HSM implements (Encrypt/Decrypt with an encryption
context; a key version per key id), so such a provider needs no change to the keyring.

`LocalFileProvider` (the default) keeps the KEKs in one JSON file, mode 0600, never committed:

    {"format": "terang-keyring/1",
     "purposes": {"accounts": {"current": "<key id>", "keys": {"<key id>": {"key": "<base64>",
                  "created": "<UTC ISO time>"}}, "retired": ["legacy"]}, ...}}

A running gateway sees a rotation made by another process: the file is re-read whenever its
stat changes, so the new current key seals new values at once and values re-sealed under it open.
Writers (rotate, retire) hold an advisory lock on `<file>.lock` and replace the file atomically.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.keyring.sealing import SealError

PURPOSES = ("accounts", "managed-keys", "openings")
LEGACY = "legacy"  # the key id of values sealed before the keyring (format v1, no key id)
FORMAT = "terang-keyring/1"
KEY_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class KeyringError(SealError):
    """The keyring cannot be used as asked (missing file, malformed file, a refused change)."""


class UnknownKeyError(SealError):
    """A value names a key id its purpose does not hold (retired, or from another keyring)."""


class KeyProvider(Protocol):
    """What the keyring needs from wherever the KEKs live (a file, a KMS, an HSM)."""

    def current(self, purpose: str) -> str:
        """The key id new values of `purpose` are sealed under."""

    def key_ids(self, purpose: str) -> list[str]:
        """The key ids of `purpose` that can unwrap, oldest first."""

    def retired(self, purpose: str) -> list[str]:
        """Key ids of `purpose` retired for good (values naming them fail closed)."""

    def wrap(self, purpose: str, key_id: str, data_key: bytes, aad: bytes) -> bytes: ...

    def unwrap(self, purpose: str, key_id: str, wrapped: bytes, aad: bytes) -> bytes:
        """The data key; UnknownKeyError for a key id the purpose does not hold, SealError if
        the wrapped key does not open (tampered, or bound to another purpose or key id)."""

    def add_key(self, purpose: str) -> str:
        """A new key for `purpose`, made current; its id."""

    def retire(self, purpose: str, key_id: str) -> None:
        """Forget `key_id` (never the current key). The caller checks that nothing uses it."""


def new_key_id() -> str:
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _fresh_document() -> dict:
    return {
        "format": FORMAT,
        "purposes": {
            purpose: {"current": (kid := new_key_id()), "keys": {kid: _entry()}, "retired": []}
            for purpose in PURPOSES
        },
    }


def _entry() -> dict:
    return {"key": base64.b64encode(AESGCM.generate_key(bit_length=256)).decode(), "created": _now()}


def create_file(path: Path) -> bool:
    """Writes a new keyring file with one fresh key per purpose; False if one exists."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _write_temporary(path, _fresh_document())
    try:
        os.link(temporary, path)  # atomic, and never replaces a file another process made
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)


def _write_temporary(path: Path, document: dict) -> Path:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(document, out, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    return temporary


class LocalFileProvider:
    """KEKs in a local JSON file (see the module's docstring)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._doc: dict = {}
        self._ciphers: dict[tuple[str, str], AESGCM] = {}
        if create and not self.path.exists():
            create_file(self.path)
        self._load()

    # -- the file ---------------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            raise KeyringError(
                f"no keyring file at {self.path} (create one with `python -m app.keyring init`)"
            ) from None
        stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        if stamp == self._stamp:
            return
        if status.st_mode & 0o077:
            raise KeyringError(f"the keyring file {self.path} is readable by others (chmod 600 it)")
        try:
            document = json.loads(self.path.read_text())
            if document.get("format") != FORMAT:
                raise ValueError(f"format {document.get('format')!r}")
            ciphers = {}
            for purpose in PURPOSES:
                entry = document["purposes"][purpose]
                if entry["current"] not in entry["keys"] or not isinstance(entry["retired"], list):
                    raise ValueError(f"the current key of {purpose} is not among its keys")
                for kid, value in entry["keys"].items():
                    if not KEY_ID.match(kid):
                        raise ValueError(f"a key id of {purpose} is malformed")
                    ciphers[(purpose, kid)] = AESGCM(self._key_bytes(value["key"]))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise KeyringError(f"the keyring file {self.path} is malformed ({error})") from None
        self._doc, self._ciphers, self._stamp = document, ciphers, stamp

    @staticmethod
    def _key_bytes(value: str) -> bytes:
        key = base64.b64decode(value, validate=True)
        if len(key) != 32:
            raise ValueError("a key is not 32 bytes")
        return key

    def _fresh(self) -> None:
        with self._lock:
            self._load()

    @contextlib.contextmanager
    def _editing(self) -> Iterator[dict]:
        """The document, re-read under the writers' lock; written back atomically on success."""
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._stamp = None
            self._fresh()
            document = json.loads(json.dumps(self._doc))
            yield document
            temporary = _write_temporary(self.path, document)
            os.replace(temporary, self.path)
            self._stamp = None
            self._fresh()

    # -- KeyProvider ------------------------------------------------------------------------------

    def _purpose(self, purpose: str) -> dict:
        if purpose not in PURPOSES:
            raise KeyringError(f"unknown purpose {purpose!r}")
        self._fresh()
        return self._doc["purposes"][purpose]

    def current(self, purpose: str) -> str:
        return self._purpose(purpose)["current"]

    def key_ids(self, purpose: str) -> list[str]:
        return list(self._purpose(purpose)["keys"])

    def retired(self, purpose: str) -> list[str]:
        return list(self._purpose(purpose)["retired"])

    def _cipher(self, purpose: str, key_id: str) -> AESGCM:
        self._purpose(purpose)
        cipher = self._ciphers.get((purpose, key_id))
        if cipher is None:
            raise UnknownKeyError(f"the {purpose} keyring holds no key {key_id!r}")
        return cipher

    def wrap(self, purpose: str, key_id: str, data_key: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._cipher(purpose, key_id).encrypt(nonce, data_key, aad)

    def unwrap(self, purpose: str, key_id: str, wrapped: bytes, aad: bytes) -> bytes:
        try:
            return self._cipher(purpose, key_id).decrypt(wrapped[:12], wrapped[12:], aad)
        except InvalidTag:
            raise SealError(f"a data key does not open under {purpose} key {key_id!r}") from None

    def add_key(self, purpose: str) -> str:
        self._purpose(purpose)
        with self._editing() as document:
            entry = document["purposes"][purpose]
            key_id = new_key_id()
            entry["keys"][key_id] = _entry()
            entry["current"] = key_id
        return key_id

    def retire(self, purpose: str, key_id: str) -> None:
        self._purpose(purpose)
        with self._editing() as document:
            entry = document["purposes"][purpose]
            if key_id == entry["current"]:
                raise KeyringError(f"{key_id!r} is the current {purpose} key: rotate first")
            if key_id != LEGACY and key_id not in entry["keys"]:
                raise KeyringError(f"the {purpose} keyring holds no key {key_id!r}")
            entry["keys"].pop(key_id, None)
            if key_id not in entry["retired"]:
                entry["retired"].append(key_id)
