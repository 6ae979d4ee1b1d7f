"""Signing accounts from encrypted JSON keystores (never raw keys in configuration)."""

from __future__ import annotations

import json
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount


class KeystoreError(Exception):
    pass


def load_keystore(path: Path | str, password_file: Path | str) -> LocalAccount:
    path, password_file = Path(path), Path(password_file)
    try:
        encrypted = json.loads(path.read_text())
    except FileNotFoundError:
        raise KeystoreError(f"keystore {path} does not exist") from None
    except ValueError:
        raise KeystoreError(f"keystore {path} is not a JSON keystore") from None
    try:
        password = password_file.read_text().strip()
    except FileNotFoundError:
        raise KeystoreError(f"password file {password_file} does not exist") from None
    try:
        return Account.from_key(Account.decrypt(encrypted, password))
    except ValueError:
        raise KeystoreError(f"cannot unlock keystore {path}: wrong password or damaged file") from None
