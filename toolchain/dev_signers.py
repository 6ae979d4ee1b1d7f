"""Keystores and a signers file for a local chain's development accounts, so the gateway signs each
act of a person with that official's own key (`officer:<address>`, every official of
deploy/local.yaml, the committee's member and guardian officials included) and the machines' acts
with their service keys (`relayer`; `role:TREASURY`, the payment bridge). Local use only: the keys are the
well-known development keys of anvil and ganache, encrypted with a throw-away password.

`dev_official` says which official a development token names by default (tests, `make run`).

    python -m toolchain.dev_signers --rpc-url http://127.0.0.1:8545 [--out var/]"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path

import yaml
from eth_account import Account
from eth_utils import to_checksum_address

from app.ledger.signers import officer_signer
from toolchain.deploy_config import load_deploy_config
from toolchain.jsonrpc import rpc

ROOT = Path(__file__).resolve().parent.parent
MNEMONICS = {  # the development wallets of the local chains (public knowledge, never for real funds)
    "anvil": "test test test test test test test test test test test junk",
    "ganache": "myth like bonus scare over problem client lizard pioneer submit female collect",
}
RELAYER_INDEX = 19
# Shared keys of machines: the payment bridge records the provider's outcomes.
SERVICE_ROLES = ("TREASURY",)


def development_keys(rpc_url: str, count: int = 24) -> list[bytes]:
    """The private keys of the chain's unlocked accounts, found by matching known mnemonics."""
    accounts = [a.lower() for a in rpc(rpc_url, "eth_accounts")][:count]
    Account.enable_unaudited_hdwallet_features()
    for mnemonic in MNEMONICS.values():
        keys = [
            Account.from_mnemonic(mnemonic, account_path=f"m/44'/60'/0'/0/{i}") for i in range(len(accounts))
        ]
        if [k.address.lower() for k in keys] == accounts:
            return [bytes(k.key) for k in keys]
    raise SystemExit("error: the chain's accounts are not the development accounts of anvil or ganache")


def write_signers(rpc_url: str, out: Path, config_path: Path = ROOT / "deploy" / "local.yaml") -> Path:
    keys = development_keys(rpc_url)
    addresses = [Account.from_key(k).address for k in keys]
    config = load_deploy_config(config_path, addresses)
    wanted: dict[str, str] = {"relayer": addresses[RELAYER_INDEX]}
    for grant in config.grants:
        wanted[officer_signer(grant.account)] = grant.account  # every official signs with its own key
        if grant.role in SERVICE_ROLES:
            wanted.setdefault(f"role:{grant.role}", grant.account)
    for member in config.committee_members:  # committee officials propose, approve, veto with their own keys
        for official in member.officials:
            wanted[officer_signer(official)] = official
    folder = out / "keystores"
    folder.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    (folder / "password").write_text(password)
    (folder / "password").chmod(0o600)
    entries = {}
    for name, address in sorted(wanted.items()):
        key = keys[addresses.index(address)]
        file = folder / f"{name.replace(':', '-').lower()}.json"
        # A light scrypt cost: these are throw-away development keys.
        file.write_text(json.dumps(Account.encrypt(key, password, iterations=2**12)))
        entries[name] = str(file.relative_to(out))
    signers = out / "signers.yaml"
    signers.write_text(yaml.safe_dump({"password_file": "keystores/password", "signers": entries}))
    return signers


def dev_official(config, role: str, agency: int | None = None, sub: str | None = None) -> str | None:
    """The official of `config` a development token for `role` names by default: among the holders
    of `role` (of `agency`, when given, by the directory assignments), the n-th when the subject
    ends in `-<n>` (e.g. `pejabat-2`, `pphp-3`), else the first; None when there is none."""
    assigned = {o.account: o.agency for o in config.officers}
    holders = [
        g.account
        for g in config.grants
        if g.role == role and (agency is None or assigned.get(g.account) == agency)
    ]
    if not holders:
        return None
    tail = (sub or "").rsplit("-", 1)[-1]
    n = int(tail) if tail.isdigit() else 1
    return to_checksum_address(holders[n - 1] if 1 <= n <= len(holders) else holders[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m toolchain.dev_signers", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rpc-url", required=True)
    parser.add_argument("--out", default=str(ROOT / "var"))
    args = parser.parse_args(argv)
    print(write_signers(args.rpc_url, Path(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
