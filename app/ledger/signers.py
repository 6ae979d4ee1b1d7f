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

`python -m toolchain.dev_signers` writes one for a local chain's development accounts.

The file is read again whenever it changes (its modification time or size), so an operator takes a
stolen key out of service, or puts its successor in, without restarting the gateway
(docs/runbooks/signer-key-compromise.en.md):

    python -m app.ledger.signers new officer [--signers-file FILE]       # prints the new address
    python -m app.ledger.signers new role:TREASURY [--signers-file FILE]  # replaces the service key
    python -m app.ledger.signers remove officer:0xOLD [--signers-file FILE]

`new` makes a fresh key, encrypts it with the file's password into a keystore beside the others and
adds (or, for `relayer` and `role:*`, replaces) its entry; `remove` takes an entry out (its keystore
file stays, for the investigation). FILE defaults to TERANG_SIGNERS_FILE. One line on stderr and
exit status 2 for a mistake."""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from app.ledger.errors import SignerUnavailable
from app.ledger.keystore import KeystoreError, load_keystore

log = logging.getLogger("terang.signers")


def officer_signer(address: str) -> str:
    """The signer name of one agency officer's own key: `officer:<checksum address>`."""
    return f"officer:{to_checksum_address(address)}"


class SignerRegistry:
    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._accounts: dict[str, LocalAccount] = {}
        self._entries: dict[str, Path] = {}
        self._password_file: Path | None = None
        self._seen: tuple[int, int] | None = None
        self._lock = threading.RLock()  # the write path's threads read it at once
        self._refresh()

    def _refresh(self) -> None:
        with self._lock:
            self._read_if_changed()

    def _read_if_changed(self) -> None:
        """Reads the file again when it changed; a key whose entry changed or left is forgotten."""
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            seen = None
        else:
            seen = (stat.st_mtime_ns, stat.st_size)
        if seen == self._seen:
            return
        entries: dict[str, Path] = {}
        password_file = None
        if seen is not None:
            data = yaml.safe_load(self._path.read_text()) or {}
            base = self._path.parent
            password_file = base / data["password_file"] if data.get("password_file") else None
            entries = {name: base / file for name, file in (data.get("signers") or {}).items()}
        changed = sorted(
            n for n in entries.keys() | self._entries.keys() if entries.get(n) != self._entries.get(n)
        )
        if self._seen is not None and changed:  # who can sign changed under a running process: on record
            log.warning("signers file changed: %s", ", ".join(changed))
        if password_file != self._password_file:
            self._accounts.clear()
        for name in list(self._accounts):
            if entries.get(name) != self._entries.get(name):
                del self._accounts[name]
        self._entries, self._password_file, self._seen = entries, password_file, seen

    def names(self) -> list[str]:
        self._refresh()
        return sorted(self._entries)

    def holds(self, name: str) -> bool:
        """Whether a key is configured for `name` (it may still fail to open: SignerUnavailable)."""
        self._refresh()
        return name in self._entries

    def get(self, name: str) -> LocalAccount:
        with self._lock:
            return self._get(name)

    def _get(self, name: str) -> LocalAccount:
        self._refresh()
        if name not in self._accounts:
            if name not in self._entries or self._password_file is None:
                raise SignerUnavailable(f"no signing key configured for {name} in {self._path}")
            try:
                account = load_keystore(self._entries[name], self._password_file)
            except KeystoreError as exc:
                raise SignerUnavailable(str(exc)) from None
            # An official's entry must hold that official's own key: a file edited to point
            # `officer:<A>` at B's keystore would let one official sign as another.
            if name.startswith("officer:") and officer_signer(account.address) != name:
                raise SignerUnavailable(f"the key configured for {name} is another account's")
            self._accounts[name] = account
        return self._accounts[name]


# ------------------------------------------------------------------------------ the command line


class SignersFileError(Exception):
    """A user-facing problem with the signers file, printed as one line."""


def _read(path: Path) -> dict:
    if not path.exists():
        raise SignersFileError(f"no signers file {path}")
    data = yaml.safe_load(path.read_text()) or {}
    if not data.get("password_file"):
        raise SignersFileError(f"{path} names no password_file")
    data["signers"] = dict(data.get("signers") or {})
    return data


def _write(path: Path, data: dict) -> None:
    """Atomically (a new file renamed over the old), so a running gateway never reads half a file."""
    fd, fresh = tempfile.mkstemp(prefix=path.name + ".", suffix=".new", dir=path.parent)
    with os.fdopen(fd, "w") as out:
        out.write(yaml.safe_dump(data, sort_keys=True))
    os.chmod(fresh, path.stat().st_mode & 0o777)
    os.replace(fresh, path)


@contextmanager
def _editing(path: Path) -> Iterator[dict]:
    """The file's entries to change, one editor at a time (an exclusive lock on `<file>.lock`): two
    operators at work in an incident must not undo each other's change, such as a stolen key's
    removal."""
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = _read(path)
        yield data
        _write(path, data)


def new_key(path: Path, name: str) -> str:
    """A fresh key under `name` (`officer`: its own `officer:<address>` entry; `relayer` or `role:X`:
    that entry, replaced), encrypted with the file's password beside the file. Returns the address."""
    if name != "officer" and name != "relayer" and not name.startswith("role:"):
        raise SignersFileError(f"unknown signer name {name!r}: officer, relayer or role:<ROLE>")
    with _editing(path) as data:
        password = (path.parent / data["password_file"]).read_text().strip()
        account = Account.create()
        entry = officer_signer(account.address) if name == "officer" else name
        folder = path.parent / "keystores"
        folder.mkdir(exist_ok=True)
        file = folder / f"{entry.replace(':', '-').lower()}-{account.address[2:10].lower()}.json"
        file.write_text(json.dumps(Account.encrypt(account.key, password)))
        file.chmod(0o600)
        data["signers"][entry] = str(file.relative_to(path.parent))
    return account.address


def remove_key(path: Path, name: str) -> None:
    with _editing(path) as data:
        if name not in data["signers"]:
            raise SignersFileError(f"{path} holds no signer {name}")
        del data["signers"][name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.ledger.signers", description=__doc__.splitlines()[0])
    parser.add_argument("--signers-file", default=os.environ.get("TERANG_SIGNERS_FILE"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("new", help="a fresh key: officer, relayer or role:<ROLE>").add_argument("name")
    commands.add_parser("remove", help="take an entry out, e.g. officer:0x...").add_argument("name")
    args = parser.parse_args(argv)
    if not args.signers_file:
        print("error: give --signers-file or set TERANG_SIGNERS_FILE", file=sys.stderr)
        return 2
    path = Path(args.signers_file)
    try:
        if args.command == "new":
            print(new_key(path, args.name))
        else:
            remove_key(path, args.name)
            print(f"removed {args.name}")
    except (SignersFileError, OSError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
