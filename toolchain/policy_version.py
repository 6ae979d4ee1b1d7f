"""Prepare a new version of the money rules (PolicyRegistry) for the committee, and, on a local chain
only, publish it with the development committee key through the hub's delay.

    python -m toolchain.policy_version prepare --set maxPreferenceBps=2000 --source "Keputusan ..."
    python -m toolchain.policy_version publish-local --set maxPreferenceBps=2000 --source "Keputusan ..."

`prepare` reads the version in force from the gateway (--gateway, else TERANG_URL), applies the
--set changes and prints one JSON line: the registry's address, the version it is based on, the
changes, the source document's hash (keccak-256 of --source) and the calldata of `publishPolicy`
that committee members schedule through the hub (`AccessManager.schedule(registry, calldata, 0)`),
execute after the delay, and that a guardian may cancel meanwhile. Nothing is signed or sent.

`publish-local` does the same and then, on the local chain (--rpc-url, else TERANG_RPC_URL; chain id
31337 only), runs it as a committee act with the development officials of deploy/local.yaml: the
LKPP official (dev:1) proposes it to the Committee, the Kemenkeu official (dev:2) approves, it is
scheduled in the hub, the clock moves past the delay and it executes; it adds the new version's
number to the line. The registry
checks the figures against the regulation's bounds: a refused version ends in one line on stderr
with the chain's answer, and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import NoReturn

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

from app.protocol import policy as policy_rules
from toolchain.localchain import ChainError, LocalChain

PROG = "python -m toolchain.policy_version"
USAGE_ERROR, REFUSED = 2, 1
LOCAL_GAS = 5_000_000
LOCAL_PROPOSER, LOCAL_APPROVER = 1, 2  # dev:1 (LKPP) and dev:2 (Kemenkeu) in deploy/local.yaml
PUBLISH = "publishPolicy(" + policy_rules.POLICY_ABI + ",bytes32)"


class VersionError(Exception):
    """A mistake said in one line."""


def _selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def _change(text: str) -> tuple[str, int]:
    name, sep, value = text.partition("=")
    if not sep or not value.strip().isdigit():
        raise argparse.ArgumentTypeError(f"not FIELD=WHOLE_NUMBER: {text!r}")
    return name.strip(), int(value)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"{PROG}: {message}", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog=PROG, description=__doc__.split("\n\n")[0])
    root.add_argument(
        "--gateway", default=os.environ.get("TERANG_URL"), help="the gateway's URL (TERANG_URL)"
    )
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, text in (
        ("prepare", "print the calldata of the next version"),
        ("publish-local", "publish it on the local chain with the development committee key"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument(
            "--set", dest="changes", action="append", type=_change, default=[], metavar="F=V"
        )
        command.add_argument("--source", required=True, help="the document it implements (its hash is kept)")
        if name == "publish-local":
            command.add_argument("--rpc-url", default=os.environ.get("TERANG_RPC_URL"))
    return root


def _in_force(gateway: str | None) -> dict:
    return _gateway_json(gateway, "/policies")


def _gateway_json(gateway: str | None, path: str) -> dict:
    if not gateway:
        raise VersionError("no gateway URL: give --gateway or set TERANG_URL")
    if not gateway.startswith(("http://", "https://")):
        raise VersionError(f"--gateway must be an http:// or https:// URL, not {gateway!r}")
    try:
        with urllib.request.urlopen(f"{gateway.rstrip('/')}{path}", timeout=30) as response:  # noqa: S310
            body = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise VersionError(f"cannot read {gateway}{path} ({error})") from None
    return body


def prepare(args: argparse.Namespace) -> dict:
    listed = _in_force(args.gateway)
    current = listed["versions"][-1]
    try:
        figures = policy_rules.merged({**current["policy"], **dict(args.changes)})
    except policy_rules.PolicyConfigError as error:
        raise VersionError(str(error)) from None
    source_hash = keccak(text=args.source)
    data = _selector(PUBLISH) + encode(
        [policy_rules.POLICY_ABI, "bytes32"], [policy_rules.policy_tuple(figures), source_hash]
    )
    return {
        "registry": listed["registry"],
        "basedOn": current["version"],
        "changes": {k: v for k, v in figures.items() if v != current["policy"][k]},
        "sourceHash": "0x" + source_hash.hex(),
        "calldata": "0x" + data.hex(),
    }


def publish_local(args: argparse.Namespace, prepared: dict) -> int:
    chain = LocalChain(args.rpc_url)
    chain.require_local()
    registry, data = prepared["registry"], bytes.fromhex(prepared["calldata"][2:])
    council = to_checksum_address(_gateway_json(args.gateway, "/committee")["address"])
    accounts = chain.call("eth_accounts")
    proposer, approver = accounts[LOCAL_PROPOSER], accounts[LOCAL_APPROVER]
    proposal = int(_call(chain, council, _selector("proposalCount()"), "uint256")) + 1
    source_hash = bytes.fromhex(prepared["sourceHash"][2:])
    _send(
        chain,
        proposer,
        council,
        _selector("propose((address,bytes)[],bytes32)")
        + encode(["(address,bytes)[]", "bytes32"], [[(registry, data)], source_hash]),
    )
    _send(chain, approver, council, _selector("approve(uint256)") + encode(["uint256"], [proposal]))
    _send(chain, proposer, council, _selector("schedule(uint256)") + encode(["uint256"], [proposal]))
    ready_at = _ready_at(chain, council, proposal)
    chain.mine_at(max(chain.now(), ready_at) + 1)
    _send(chain, proposer, council, _selector("execute(uint256)") + encode(["uint256"], [proposal]))
    return int(_call(chain, registry, _selector("currentVersion()"), "uint32"))


def _ready_at(chain: LocalChain, council: str, proposal: int) -> int:
    raw = chain.call(
        "eth_call",
        [
            {
                "to": council,
                "data": "0x" + (_selector("getProposal(uint256)") + encode(["uint256"], [proposal])).hex(),
            },
            "latest",
        ],
    )
    (fields,) = decode(["(address,uint32,uint8,uint48,uint48,bytes32,bytes32)"], bytes.fromhex(raw[2:]))
    return int(fields[4])


def _call(chain: LocalChain, to: str, data: bytes, kind: str):
    (value,) = decode(
        [kind], bytes.fromhex(chain.call("eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"])[2:])
    )
    return value


def _send(chain: LocalChain, sender: str, to: str, data: bytes) -> None:
    try:
        # A fixed gas limit: estimates of the Committee's nested calls (Committee -> hub -> registry)
        # come out short under the 63/64 rule, and the execution would run out of gas.
        tx = {"from": sender, "to": to, "data": "0x" + data.hex(), "gas": hex(LOCAL_GAS)}
        tx_hash = chain.call("eth_sendTransaction", [tx])
    except ChainError as error:  # anvil refuses a reverting transaction at its gas estimate
        raise VersionError(f"refused by the chain: {error}") from None
    receipt = _receipt(chain, tx_hash)
    if receipt is None or int(receipt["status"], 16) != 1:
        try:  # replay it to show the chain's answer (the custom error's data)
            before = hex(int(receipt["blockNumber"], 16) - 1) if receipt else "latest"
            chain.call("eth_call", [{"from": sender, "to": to, "data": "0x" + data.hex()}, before])
        except ChainError as error:
            raise VersionError(f"refused by the chain: transaction {tx_hash} reverted: {error}") from None
        raise VersionError(
            f"refused by the chain: transaction {tx_hash} reverted (the registry refuses a figure outside "
            "the regulation's bounds, docs/domain.md; the version in force is unchanged)"
        )


def _receipt(chain: LocalChain, tx_hash: str, timeout: float = 30.0) -> dict | None:
    """The transaction's receipt once mined (a chain with a block time mines it later), else None."""
    deadline = time.monotonic() + timeout
    while (receipt := chain.call("eth_getTransactionReceipt", [tx_hash])) is None:
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)
    return receipt


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        prepared = prepare(args)
        if args.command == "publish-local":
            prepared["version"] = publish_local(args, prepared)
    except (VersionError, ChainError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return REFUSED
    print(json.dumps(prepared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
