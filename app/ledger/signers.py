"""Which encrypted keystore signs for whom.

The gateway submits transactions with the account of the acting agency (`agency:<id>`), of one of
its officers (`officer:<checksum address>`, the account its token names in the `officer` claim), of a
role (`role:<ROLE>`, e.g. role:TKDN_CERTIFIER) or its own relayer (`relayer`, for EIP-712 payloads
that suppliers signed themselves). The mapping is a YAML file (TERANG_SIGNERS_FILE):

    password_file: /secure/keystore-password
    signers:
      relayer: /secure/keystores/relayer.json
      agency:1001: /secure/keystores/ikn-ppk.json
      officer:0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc: /secure/keystores/ikn-pokja-ani.json
      role:TKDN_CERTIFIER: /secure/keystores/certifier.json

Officer keys exist for acts the contracts want from distinct people: a supplier verified or
blacklisted by a second officer of the agency (signed with the officer's own key when the gateway
holds it, else with the agency's), and the acts the Tenders contract takes only from particular
officers (a tender's Pokja members, each counted once, and the KPA outside it), which are signed
with the calling officer's own key and never with the agency's (app/tenders/officers.py).

`python -m toolchain.dev_signers` writes one for a local chain's development accounts."""

from __future__ import annotations

from pathlib import Path

import yaml
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from app.ledger.errors import SignerUnavailable
from app.ledger.keystore import KeystoreError, load_keystore


def officer_signer(address: str) -> str:
    """The signer name of one agency officer's own key: `officer:<checksum address>`."""
    return f"officer:{to_checksum_address(address)}"


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

    def holds(self, name: str) -> bool:
        """Whether a key is configured for `name` (it may still fail to open: SignerUnavailable)."""
        return name in self._entries

    def get(self, name: str) -> LocalAccount:
        if name not in self._accounts:
            if name not in self._entries or self._password_file is None:
                raise SignerUnavailable(f"no signing key configured for {name} in {self._path}")
            try:
                self._accounts[name] = load_keystore(self._entries[name], self._password_file)
            except KeystoreError as exc:
                raise SignerUnavailable(str(exc)) from None
        return self._accounts[name]
