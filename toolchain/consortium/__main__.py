"""`python -m toolchain.consortium node-key | genesis | permissions | node-config`

- node-key --out DIR: a fresh node key in DIR/key (0600); prints the address and enode public key
  as one JSON line, never the private key. Refuses to replace a key.
- genesis --validators A,B,C,D --chain-id N --out genesis.json: the QBFT genesis with the validators
  in this order. Fewer than four validators are refused (no fault tolerated) unless --allow-fewer.
- permissions --nodes ENODE,... --accounts A,... --out permissions_config.toml
- node-config --name N --p2p-host IP --rpc-host IP --host-allowlist H,... --out config.toml

Mistakes end in one line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from toolchain.consortium import inputs
from toolchain.consortium.genesis import build_genesis, check_validator_count
from toolchain.consortium.inputs import KitError
from toolchain.consortium.nodeconfig import NodeConfig, render_node_config
from toolchain.consortium.nodekey import make_node_key
from toolchain.consortium.permissions import render_permissions

PROG = "python -m toolchain.consortium"
USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"{PROG}: error: {message}", file=sys.stderr)
        raise SystemExit(USAGE_ERROR)


def _alloc(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in inputs.split_list(text, "--alloc"):
        account, sep, wei = item.partition("=")
        if not sep or not wei.strip().isdigit():
            raise KitError(f"--alloc: {item!r} is not ADDRESS=WEI")
        found[inputs.address(account.strip(), "--alloc")] = int(wei)
    return found


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog=PROG, description=__doc__.split("\n\n")[0])
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)

    key = commands.add_parser("node-key", help="make this agency's node key (on its own host)")
    key.add_argument("--out", required=True, type=Path, help="folder for key (0600), key.pub, address")

    genesis = commands.add_parser("genesis", help="the QBFT genesis file")
    genesis.add_argument("--validators", required=True, help="validator addresses, comma-separated, in order")
    genesis.add_argument("--chain-id", required=True, type=int)
    genesis.add_argument("--out", required=True, type=Path)
    genesis.add_argument("--block-period", type=int, default=2, help="seconds between blocks (2)")
    genesis.add_argument("--request-timeout", type=int, default=4, help="QBFT round timeout, seconds (4)")
    genesis.add_argument("--epoch-length", type=int, default=30_000, help="blocks per epoch (30000)")
    genesis.add_argument("--alloc", help="ADDRESS=WEI,... opening balances (none needed with free gas)")
    genesis.add_argument(
        "--allow-fewer", action="store_true", help="accept fewer than 4 validators (a trial network only)"
    )
    genesis.add_argument("--force", action="store_true", help="replace an existing --out file")

    permissions = commands.add_parser("permissions", help="Besu's permissions_config.toml")
    permissions.add_argument("--nodes", required=True, help="every member node's enode URL, comma-separated")
    permissions.add_argument("--accounts", required=True, help="accounts that may send transactions")
    permissions.add_argument("--out", required=True, type=Path)
    permissions.add_argument("--force", action="store_true", help="replace an existing --out file")

    node = commands.add_parser("node-config", help="one node's Besu config.toml")
    node.add_argument("--name", required=True, help="the node's identity, e.g. lkpp-validator-1")
    node.add_argument("--p2p-host", required=True, help="IP the other members reach this node at")
    node.add_argument("--rpc-host", required=True, help="internal IP JSON-RPC and metrics listen on")
    node.add_argument("--host-allowlist", required=True, help="Host names the gateways use, comma-separated")
    node.add_argument("--bootnodes", default="", help="the other members' enode URLs, comma-separated")
    node.add_argument("--p2p-port", type=int, default=30303)
    node.add_argument("--rpc-port", type=int, default=8545)
    node.add_argument("--metrics-port", type=int, default=9545)
    node.add_argument("--config-dir", default="/etc/besu", help="where genesis, key, permissions are")
    node.add_argument("--data-path", default="/var/lib/besu")
    node.add_argument("--not-validator", action="store_true", help="a member's non-validating node")
    node.add_argument("--out", required=True, type=Path)
    node.add_argument("--force", action="store_true", help="replace an existing --out file")
    return root


def _write(path: Path, text: str, force: bool) -> None:
    if path.exists() and not force:
        raise KitError(f"--out: {path} already exists (pass --force to replace it)")
    if not path.parent.is_dir():
        raise KitError(f"--out: the folder {path.parent} does not exist")
    path.write_text(text)


def run(args: argparse.Namespace) -> dict:
    if args.command == "node-key":
        identity, key_file = make_node_key(args.out)
        return identity.as_json(key_file)
    if args.command == "genesis":
        validators = inputs.distinct_addresses(args.validators, "--validators")
        warning = check_validator_count(validators, args.allow_fewer)
        chain_id = inputs.chain_id(args.chain_id)
        genesis = build_genesis(
            validators,
            chain_id,
            block_period_seconds=args.block_period,
            epoch_length=args.epoch_length,
            request_timeout_seconds=args.request_timeout,
            alloc=_alloc(args.alloc) if args.alloc else None,
        )
        _write(args.out, json.dumps(genesis, indent=2) + "\n", args.force)
        if warning:
            print(warning, file=sys.stderr)
        return {"genesis": str(args.out), "chainId": chain_id, "validators": validators}
    if args.command == "permissions":
        nodes = inputs.distinct_enodes(args.nodes)
        accounts = inputs.distinct_addresses(args.accounts, "--accounts")
        _write(args.out, render_permissions(nodes, accounts), args.force)
        return {"permissions": str(args.out), "nodes": len(nodes), "accounts": len(accounts)}
    bootnodes = inputs.distinct_enodes(args.bootnodes) if args.bootnodes.strip() else []
    config = NodeConfig(
        name=args.name,
        p2p_host=args.p2p_host,
        rpc_host=args.rpc_host,
        host_allowlist=inputs.split_list(args.host_allowlist, "--host-allowlist"),
        bootnodes=bootnodes,
        validator=not args.not_validator,
        p2p_port=args.p2p_port,
        rpc_port=args.rpc_port,
        metrics_port=args.metrics_port,
        config_dir=args.config_dir,
        data_path=args.data_path,
    )
    _write(args.out, render_node_config(config), args.force)
    return {"config": str(args.out), "name": args.name}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result = run(args)
    except KitError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except OSError as error:  # a folder not writable, a disk full: the path and the reason, one line
        print(f"{PROG}: error: {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return USAGE_ERROR
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
