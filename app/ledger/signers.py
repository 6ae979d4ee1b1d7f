"""Which encrypted keystore signs for whom.

The gateway submits transactions with the account of the acting agency (`agency:<id>`), of one of
its officers (`agency:<id>:<token subject>`, for acts the contract wants from two distinct officers
of one agency), of a role (`role:<ROLE>`, e.g. role:TKDN_CERTIFIER) or its own relayer (`relayer`,
for EIP-712 payloads that suppliers signed themselves). The mapping is a YAML file
(TERANG_SIGNERS_FILE):

    password_file: /secure/keystore-password
    signers:
      relayer: /secure/keystores/relayer.json
      agency:1001: /secure/keystores/ikn-ppk.json
      agency:1001:pokja-ani: /secure/keystores/ikn-pokja-ani.json
      role:TKDN_CERTIFIER: /secure/keystores/certifier.json

`python -m toolchain.dev_signers` writes one for a local chain's development accounts."""

from __future__ import annotations

from pathlib import Path

import yaml
from eth_account.signers.local import LocalAccount

from app.ledger.errors import SignerUnavailable
from app.ledger.keystore import KeystoreError, load_keystore


class SignerRegistry:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._accounts: dict[str, LocalAccount] = {}
        self._entries: dict[str, Path] = {}
        self._password_file: Path | None = None
        if path.exists():
            data = yaml.safe_load(path.read_text()) or {}
            base = path.parent
            self._password_file = base / data["password_file"] if data.get("password_file") else None
            self._entries = {name: base / file for name, file in (data.get("signers") or {}).items()}

    def names(self) -> list[str]:
        return sorted(self._entries)

    def get(self, name: str) -> LocalAccount:
        if name not in self._accounts:
            if name not in self._entries or self._password_file is None:
                raise SignerUnavailable(f"no signing key configured for {name} in {self._path}")
            try:
                self._accounts[name] = load_keystore(self._entries[name], self._password_file)
            except KeystoreError as exc:
                raise SignerUnavailable(str(exc)) from None
        return self._accounts[name]
