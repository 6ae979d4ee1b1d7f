"""What an account can still do on the chain: its hub roles, its agency in the AgencyDirectory, its
committee seat and, for one restricted function, what the chain answers when that account calls it.

    python -m app.officials.access 0xADDRESS [--probe SupplierRegistry.registerSupplier]

Prints one JSON object. The probe is a simulated call (eth_call: nothing is signed or sent, no key
is needed) with zero-valued arguments: `AccessManagedUnauthorized` means the permission hub refuses
the account; any other answer (the contract's own check of the arguments, or `ok`) means the hub
lets it through. An incident's runbook uses it to show that a replaced key can no longer act and
its successor can (docs/runbooks/signer-key-compromise.en.md). The chain and the manifest are the
gateway's (TERANG_RPC_URL, TERANG_MANIFEST or TERANG_MANIFEST_DIR). Mistakes: one line on stderr,
exit status 2."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address
from web3.exceptions import ContractCustomError, ContractLogicError

from app.ledger.reverts import ErrorDecoder, type_string
from app.protocol.roles import PUBLIC_ROLE, ROLES

ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
PROBE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\.([A-Za-z_][A-Za-z0-9_]*)$")


def zero(abi_type: str) -> Any:
    """The zero value of a canonical ABI type (`uint256`, `address[]`, `(bytes32,bool)`...)."""
    if abi_type.endswith("]"):
        return []
    if abi_type.startswith("("):
        inner, depth, parts, start = abi_type[1:-1], 0, [], 0
        for i, ch in enumerate(inner):
            depth += ch == "("
            depth -= ch == ")"
            if ch == "," and depth == 0:
                parts.append(inner[start:i])
                start = i + 1
        parts.append(inner[start:])
        return tuple(zero(p) for p in parts if p)
    if abi_type == "address":
        return "0x" + "0" * 40
    if abi_type == "bool":
        return False
    if abi_type in ("bytes", "string"):
        return b"" if abi_type == "bytes" else ""
    if abi_type.startswith("bytes"):
        return b"\0" * int(abi_type[5:])
    return 0


def probe(chain, account: str, contract: str, function: str) -> str:
    """The name of the error the chain answers when `account` calls `contract.function` with zero
    arguments, or `ok`."""
    if contract not in chain.manifest.contracts:
        raise ValueError(f"no contract {contract} in the deployment")
    deployed = chain.contract(contract)
    items = [i for i in deployed.abi if i.get("type") == "function" and i.get("name") == function]
    if not items:
        raise ValueError(f"{contract} has no function {function}")
    types = [type_string(i) for i in items[0]["inputs"]]
    data = function_signature_to_4byte_selector(f"{function}({','.join(types)})") + encode(
        types, [zero(t) for t in types]
    )
    try:
        chain.web3.eth.call({"from": account, "to": deployed.address, "data": "0x" + data.hex()})
    except (ContractCustomError, ContractLogicError) as exc:
        decoder = ErrorDecoder([c.abi for c in chain.manifest.contracts.values()])
        raw = exc.data if isinstance(exc.data, str) else None
        return decoder.decode(raw).error if raw else "Reverted"
    return "ok"


def access(chain, account: str) -> dict[str, Any]:
    hub = chain.contract("AccessHub")
    roles = [
        name
        for name, role in ROLES.items()
        if role.id != PUBLIC_ROLE and hub.functions.hasRole(role.id, account).call()[0]
    ]
    try:
        agency = int(chain.read("AgencyDirectory", "agencyOf", account)) or None
    except ContractCustomError:  # AgencyOfficerUnassigned
        agency = None
    seat = None
    if "Committee" in chain.manifest.contracts:
        seat = int(chain.contract("Committee").functions.agencyOf(account).call()) or None
    return {"account": account, "roles": roles, "agency": agency, "committeeSeat": seat}


def main(argv: list[str] | None = None) -> int:
    from app.config import get_settings
    from app.ledger.client import connect

    parser = argparse.ArgumentParser(
        prog="python -m app.officials.access", description=__doc__.splitlines()[0]
    )
    parser.add_argument("account", help="0x address")
    parser.add_argument("--probe", help="Contract.function to simulate as the account")
    args = parser.parse_args(argv)
    if not ADDRESS.match(args.account):
        print(f"error: {args.account!r} is not a 0x address of 40 hex digits", file=sys.stderr)
        return 2
    wanted = PROBE.match(args.probe) if args.probe else None
    if args.probe and not wanted:
        print(f"error: --probe takes Contract.function, not {args.probe!r}", file=sys.stderr)
        return 2
    account = to_checksum_address(args.account)
    chain = connect(get_settings())
    answer = access(chain, account)
    if wanted:
        try:
            answer["probe"] = {"call": args.probe, "answer": probe(chain, account, *wanted.groups())}
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
