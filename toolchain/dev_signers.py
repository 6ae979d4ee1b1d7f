"""Keystores and a signers file for a local chain's development accounts, so the gateway can sign
as the agencies and roles of deploy/local.yaml, and as each agency officer itself (by its token's
subject, `agency:<id>:pejabat-<n>`, for supplier acts; by its token's officer address,
`officer:<address>`, for Pokja and KPA acts, and for the acts of the committee's member and
guardian officials). Local use only: the keys are the well-known development keys of anvil and
ganache, encrypted with a throw-away password.

    python -m toolchain.dev_signers --rpc-url http://127.0.0.1:8545 [--out var/]"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path

import yaml
from eth_account import Account

from app.ledger.signers import officer_signer
from toolchain.deploy_config import load_deploy_config
from toolchain.jsonrpc import rpc

ROOT = Path(__file__).resolve().parent.parent
MNEMONICS = {  # the development wallets of the local chains (public knowledge, never for real funds)
    "anvil": "test test test test test test test test test test test junk",
    "ganache": "myth like bonus scare over problem client lizard pioneer submit female collect",
}
RELAYER_INDEX = 19
VERIFIER_SUBJECT = "pphp"  # tokens with sub pphp-<n> sign as the n-th VERIFIER of deploy/local.yaml


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
    for officer in config.officers:
        wanted.setdefault(f"agency:{officer.agency}", officer.account)  # the agency's first officer
        wanted[officer_signer(officer.account)] = officer.account  # acts signed with the officer's own key
    for member in config.committee_members:  # committee officials propose, approve, veto with their own keys
        for official in member.officials:
            wanted[officer_signer(official)] = official
    verifiers = 0
    for grant in config.grants:
        wanted.setdefault(f"role:{grant.role}", grant.account)
        if grant.role == "VERIFIER":  # each verifier attests with its own key (escrow k-of-n)
            verifiers += 1
            wanted[f"verifier:{VERIFIER_SUBJECT}-{verifiers}"] = grant.account
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
