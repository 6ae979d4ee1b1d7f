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
31337 only), schedules it with the local committee account (dev:1 of deploy/local.yaml), moves the
clock past the delay and executes it; it adds the new version's number to the line. The registry
checks the figures against the regulation's bounds: a refused version ends in one line on stderr
with the chain's answer, and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from typing import NoReturn

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

from app.protocol import policy as policy_rules
from toolchain.localchain import ChainError, LocalChain

PROG = "python -m toolchain.policy_version"
USAGE_ERROR, REFUSED = 2, 1
LOCAL_COMMITTEE = 1  # dev:1, a committee member in deploy/local.yaml
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
    if not gateway:
        raise VersionError("no gateway URL: give --gateway or set TERANG_URL")
    if not gateway.startswith(("http://", "https://")):
        raise VersionError(f"--gateway must be an http:// or https:// URL, not {gateway!r}")
    try:
        with urllib.request.urlopen(f"{gateway.rstrip('/')}/policies", timeout=30) as response:  # noqa: S310
            body = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise VersionError(f"cannot read {gateway}/policies ({error})") from None
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
    registry, data = prepared["registry"], prepared["calldata"]
    committee = chain.call("eth_accounts")[LOCAL_COMMITTEE]
    hub = to_checksum_address(_call(chain, registry, _selector("authority()"), "address"))
    can_call = _selector("canCall(address,address,bytes4)") + encode(
        ["address", "address", "bytes4"], [committee, registry, bytes.fromhex(data[2:10])]
    )
    _, delay = decode(
        ["bool", "uint32"],
        bytes.fromhex(chain.call("eth_call", [{"to": hub, "data": "0x" + can_call.hex()}, "latest"])[2:]),
    )
    payload = bytes.fromhex(data[2:])
    _send(
        chain,
        committee,
        hub,
        _selector("schedule(address,bytes,uint48)")
        + encode(["address", "bytes", "uint48"], [registry, payload, 0]),
    )
    chain.mine_at(chain.now() + delay + 1)
    _send(
        chain,
        committee,
        hub,
        _selector("execute(address,bytes)") + encode(["address", "bytes"], [registry, payload]),
    )
    return int(_call(chain, registry, _selector("currentVersion()"), "uint32"))


def _call(chain: LocalChain, to: str, data: bytes, kind: str):
    (value,) = decode(
        [kind], bytes.fromhex(chain.call("eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"])[2:])
    )
    return value


def _send(chain: LocalChain, sender: str, to: str, data: bytes) -> None:
    try:
        tx_hash = chain.call("eth_sendTransaction", [{"from": sender, "to": to, "data": "0x" + data.hex()}])
    except ChainError as error:  # anvil refuses a reverting transaction at its gas estimate
        raise VersionError(f"refused by the chain: {error}") from None
    receipt = chain.call("eth_getTransactionReceipt", [tx_hash])
    if receipt is None or int(receipt["status"], 16) != 1:
        raise VersionError(
            f"refused by the chain: transaction {tx_hash} reverted (the registry refuses a figure outside "
            "the regulation's bounds, docs/domain.md; the version in force is unchanged)"
        )


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
