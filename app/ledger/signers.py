"""Which encrypted keystore signs for whom.

The gateway submits a person's act with that official's own account (`officer:<checksum address>`,
the account its token names in the `officer` claim; app/officials/keys.py), a machine's act with its
service key (`role:TREASURY` for the payment bridge; committee acts are the Committee contract's,
proposed and approved by its member officials with their own keys) and EIP-712 payloads that
suppliers signed themselves with its own relayer (`relayer`). The mapping is a YAML file
(TERANG_SIGNERS_FILE):

    password_file: /secure/keystore-password
    signers:
      relayer: /secure/keystores/relayer.json
      officer:0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65: /secure/keystores/ikn-ppk-budi.json
      officer:0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc: /secure/keystores/ikn-pokja-ani.json
      role:TREASURY: /secure/keystores/payment-bridge.json

Shared keys for people's acts (`agency:<id>`, `role:<ROLE>` of a person's role) are never used, and
outside local/test the gateway refuses to start while the file holds one (decision 0019).

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
