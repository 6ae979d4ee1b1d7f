"""Deploy the suite to a network, checking the inputs first so mistakes get a one-line answer.

    python -m toolchain.deploy --network terang-live [--config deploy/consortium.yaml] [--force]
                               [--unsafe-live-deployment]

On a chain that is not a development chain (chain id other than 31337 and 1337) the deployment
refuses a config that leaves a single key in control (the deployer keeping ADMIN, an ADMIN delay
under 7 days, no COMMITTEE delay, fewer than 2 guardian agencies, a committee threshold under 2),
unless --unsafe-live-deployment is given, which deploys with a loud warning naming each rule broken.

Environment: TERANG_RPC_URL (the node), TERANG_CHAIN_ID (optional: refuse any other chain),
TERANG_DEPLOYER_KEYSTORE and TERANG_DEPLOYER_PASSWORD_FILE (live networks: an encrypted JSON
keystore, never a raw key), TERANG_CONFIRMATIONS (default 2). Runs scripts/deploy.py with brownie.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import yaml

from toolchain.brownie_artifacts import clear_brownie_deployments, deployment_turn
from toolchain.jsonrpc import JsonRpcError, rpc

ROOT = Path(__file__).resolve().parent.parent
LOCAL_NETWORKS = {"terang-local"}


class DeployInputError(Exception):
    pass


def project_live_networks() -> dict[str, dict]:
    data = yaml.safe_load((ROOT / "toolchain" / "brownie-networks.yaml").read_text())
    return {net["id"]: net for group in data.get("live", []) for net in group["networks"]}


def chain_id_at(url: str) -> int:
    try:
        return int(rpc(url, "eth_chainId", timeout=10), 16)
    except (OSError, ValueError, KeyError, JsonRpcError) as exc:
        raise DeployInputError(f"cannot reach a JSON-RPC node at {url} ({exc.__class__.__name__})") from None


def check(args: argparse.Namespace) -> dict[str, str]:
    networks = project_live_networks()
    if args.network not in networks:
        raise DeployInputError(
            f"unknown network {args.network!r}; this project deploys to: {', '.join(networks)}"
        )
    url = os.environ.get("TERANG_RPC_URL")
    if not url:
        raise DeployInputError("set TERANG_RPC_URL to the node's JSON-RPC URL (e.g. http://10.0.0.5:8545)")
    chain_id = chain_id_at(url)
    expected = os.environ.get("TERANG_CHAIN_ID")
    if expected and int(expected) != chain_id:
        raise DeployInputError(
            f"the node at {url} is chain {chain_id}, not TERANG_CHAIN_ID={expected}; wrong node?"
        )
    if not Path(args.config).is_file():
        raise DeployInputError(f"deploy config {args.config} does not exist")
    if args.network not in LOCAL_NETWORKS:
        keystore = os.environ.get("TERANG_DEPLOYER_KEYSTORE")
        if not keystore or not Path(keystore).is_file():
            raise DeployInputError(
                "set TERANG_DEPLOYER_KEYSTORE to the deployer's encrypted JSON keystore file"
            )
        password_file = os.environ.get("TERANG_DEPLOYER_PASSWORD_FILE")
        if password_file and not Path(password_file).is_file():
            raise DeployInputError(f"TERANG_DEPLOYER_PASSWORD_FILE {password_file} does not exist")
        if not password_file and not sys.stdin.isatty():
            raise DeployInputError(
                "set TERANG_DEPLOYER_PASSWORD_FILE (no terminal to ask for the keystore password)"
            )
    clear_brownie_deployments(networks[args.network]["chainid"])
    env = {**os.environ, "TERANG_DEPLOY_CONFIG": str(Path(args.config).resolve())}
    if args.force:
        env["TERANG_FORCE_DEPLOY"] = "1"
    env.pop("TERANG_UNSAFE_LIVE_DEPLOYMENT", None)  # only the flag may override, never a stale variable
    if args.unsafe_live_deployment:
        env["TERANG_UNSAFE_LIVE_DEPLOYMENT"] = "1"
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolchain.deploy", description=__doc__.splitlines()[0])
    parser.add_argument("--network", required=True)
    parser.add_argument(
        "--config", default=os.environ.get("TERANG_DEPLOY_CONFIG", str(ROOT / "deploy" / "local.yaml"))
    )
    parser.add_argument("--force", action="store_true", help="deploy even if the chain already has a suite")
    parser.add_argument(
        "--unsafe-live-deployment",
        action="store_true",
        help="deploy to a live chain even though the config breaks the safety rules (loud warning)",
    )
    args = parser.parse_args(argv)
    brownie = Path(sys.executable).parent / "brownie"
    with deployment_turn():  # check() clears brownie's record of this chain: both in one turn
        try:
            env = check(args)
        except DeployInputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return subprocess.call(
            [str(brownie), "run", "scripts/deploy.py", "--network", args.network], cwd=ROOT, env=env
        )


if __name__ == "__main__":
    sys.exit(main())
