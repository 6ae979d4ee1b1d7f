"""Replace a contract's logic through the committee (docs/decisions/0024-upgrades.md), in three steps:

    python -m toolchain.upgrade deploy --network terang-live --contract MilestoneEscrow [--out act.json]
        deploys the successor (same constructor inputs, naming its predecessor), records it in the
        manifest as pending and writes the committee act (JSON: target, calldata, purpose per call)
    python -m toolchain.upgrade proposal --contract MilestoneEscrow
        prints that act again from the manifest (for the committee's proposal)
    python -m toolchain.upgrade activate --contract MilestoneEscrow
        once the act executed: checks on chain that the old version is closed and the new one wired,
        and records the switch (the old version frozen at the block of its closing)
    python -m toolchain.upgrade rehearse --contract MilestoneEscrow
        local chains only (chain 31337): runs the act as the development accounts of
        deploy/local.yaml would (a guardian pauses the old version, a committee member schedules
        every call, the hub's delay passes, the member executes them); on a live network the act
        is the committee's proposal

Environment: TERANG_RPC_URL (the node), TERANG_MANIFEST (default deployments/<chain-id>.json), and for
`deploy` the deployer settings of `python -m toolchain.deploy`. Restart the gateway and the indexer
after `deploy` (they then follow the new version's events) and after `activate` (writes go to it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector as selector
from eth_utils import keccak

from toolchain.jsonrpc import JsonRpcError, rpc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.protocol.manifest import (  # noqa: E402
    PENDING,
    ManifestError,
    load_manifest,
    manifest_path,
    record_activation,
)
from app.protocol.upgrades import REPLACEABLE, UpgradeError, upgrade_plan  # noqa: E402

# keccak256("TargetClosed(address,bool)"): the hub's event when a target is closed or opened.
TARGET_CLOSED_TOPIC = "0x90d4e7bb7e5d933792b3562e1741306f8be94837e1348dacef9b6f1df56eb138"


class UpgradeInputError(Exception):
    pass


def _url() -> str:
    url = os.environ.get("TERANG_RPC_URL")
    if not url:
        raise UpgradeInputError("set TERANG_RPC_URL to the node's JSON-RPC URL (e.g. http://10.0.0.5:8545)")
    return url


def _chain_id(url: str) -> int:
    try:
        return int(rpc(url, "eth_chainId", timeout=10), 16)
    except (OSError, ValueError, KeyError, JsonRpcError) as exc:
        raise UpgradeInputError(f"cannot reach a JSON-RPC node at {url} ({exc.__class__.__name__})") from None


def _manifest_file(url: str) -> Path:
    if os.environ.get("TERANG_MANIFEST"):
        return Path(os.environ["TERANG_MANIFEST"])
    return manifest_path(os.environ.get("TERANG_MANIFEST_DIR", ROOT / "deployments"), _chain_id(url))


def _check_contract(name: str) -> None:
    if name not in REPLACEABLE:
        raise UpgradeInputError(
            f"{name} cannot be replaced by a successor (other contracts hold its address); "
            f"replaceable: {', '.join(REPLACEABLE)}"
        )


def _pending(manifest, name: str):
    pending = [v for v in manifest.versions_of(name) if v.status == PENDING]
    if not pending:
        raise UpgradeInputError(
            f"{name} has no pending version: run `python -m toolchain.upgrade deploy` first"
        )
    return pending[0]


def plan_for(manifest, name: str):
    new = _pending(manifest, name)
    return upgrade_plan(
        name,
        hub=manifest.address("AccessHub"),
        payments=manifest.address("Payments"),
        old=manifest.address(name),
        new=new.address,
        new_abi=new.abi,
    )


def deploy(args: argparse.Namespace) -> int:
    from toolchain.brownie_artifacts import clear_brownie_deployments, deployment_turn
    from toolchain.deploy import DeployInputError, project_live_networks

    networks = project_live_networks()
    if args.network not in networks:
        raise UpgradeInputError(
            f"unknown network {args.network!r}; this project deploys to: {', '.join(networks)}"
        )
    url = _url()
    path = _manifest_file(url)
    manifest = load_manifest(path, expected_chain_id=_chain_id(url))
    if any(v.status == PENDING for v in manifest.versions_of(args.contract)):
        raise UpgradeInputError(f"{args.contract} already has a pending version; activate it first")
    if args.network != "terang-local" and not os.environ.get("TERANG_DEPLOYER_KEYSTORE"):
        raise UpgradeInputError("set TERANG_DEPLOYER_KEYSTORE to the deployer's encrypted JSON keystore file")
    env = {
        **os.environ,
        "TERANG_UPGRADE_CONTRACT": args.contract,
        "TERANG_MANIFEST": str(path.resolve()),
        "TERANG_UPGRADE_PROPOSAL": str(Path(args.out).resolve()),
    }
    brownie = Path(sys.executable).parent / "brownie"
    if not brownie.exists():
        brownie = ROOT / ".venv" / "bin" / "brownie"
    try:
        with deployment_turn():
            clear_brownie_deployments(networks[args.network]["chainid"])
            return subprocess.call(
                [str(brownie), "run", "scripts/upgrade.py", "--network", args.network], cwd=ROOT, env=env
            )
    except DeployInputError as exc:  # pragma: no cover - same checks as the deploy tool
        raise UpgradeInputError(str(exc)) from None


def proposal(args: argparse.Namespace) -> int:
    url = _url()
    manifest = load_manifest(_manifest_file(url), expected_chain_id=_chain_id(url))
    print(json.dumps(plan_for(manifest, args.contract).as_json(), indent=2))
    return 0


def _call(url: str, to: str, data: str) -> str:
    return rpc(url, "eth_call", [{"to": to, "data": data}, "latest"], timeout=10)


def activate(args: argparse.Namespace) -> int:
    url = _url()
    path = _manifest_file(url)
    manifest = load_manifest(path, expected_chain_id=_chain_id(url))
    plan = plan_for(manifest, args.contract)
    hub = manifest.address("AccessHub")
    closed = _call(
        url, hub, "0x" + (selector("isTargetClosed(address)") + encode(["address"], [plan.old])).hex()
    )
    if int(closed, 16) != 1:
        raise UpgradeInputError(
            f"the old {args.contract} ({plan.old}) is not closed yet: the committee's act has not executed"
        )
    for call in plan.calls:
        if call.function != "setTargetFunctionRole":
            continue
        new, selectors, role = call.args
        data = selector("getTargetFunctionRole(address,bytes4)") + encode(
            ["address", "bytes4"], [new, selectors[0]]
        )
        if int(_call(url, hub, "0x" + data.hex()), 16) != role:
            raise UpgradeInputError(f"the new {args.contract} ({new}) is not wired in the hub yet")
    logs = rpc(
        url,
        "eth_getLogs",
        [
            {
                "address": hub,
                "fromBlock": "0x0",
                "toBlock": "latest",
                "topics": [TARGET_CLOSED_TOPIC, _topic(plan.old)],
            }
        ],
        timeout=30,
    )
    frozen_block = (
        max(int(entry["blockNumber"], 16) for entry in logs) if logs else int(rpc(url, "eth_blockNumber"), 16)
    )
    raw = record_activation(json.loads(path.read_text()), args.contract, frozen_block)
    path.write_text(json.dumps(raw, indent=2) + "\n")
    print(f"{args.contract}: version {raw['contracts'][args.contract]['version']} at {plan.new} is current;")
    print(f"the previous version {plan.old} is frozen since block {frozen_block}. Restart the gateway.")
    return 0


LOCAL_CHAINS = {31337, 1337}


def _send(url: str, sender: str, to: str, data: str) -> dict:
    # A fixed gas limit: estimates of the Committee's nested calls (Committee -> hub -> target) come
    # out short under the 63/64 rule.
    tx = {"from": sender, "to": to, "data": data, "gas": hex(10_000_000)}
    tx_hash = rpc(url, "eth_sendTransaction", [tx], timeout=30)
    for _ in range(600):
        receipt = rpc(url, "eth_getTransactionReceipt", [tx_hash], timeout=10)
        if receipt:
            if int(receipt["status"], 16) != 1:
                raise UpgradeInputError(f"transaction {tx_hash} to {to} reverted")
            return receipt
        time.sleep(0.05)
    raise UpgradeInputError(f"transaction {tx_hash} was not mined")


def rehearse(args: argparse.Namespace) -> int:
    from toolchain.deploy_config import load_deploy_config

    url = _url()
    chain_id = _chain_id(url)
    if chain_id not in LOCAL_CHAINS:
        raise UpgradeInputError(
            f"chain {chain_id} is not a local chain: there the act is the committee's proposal "
            "(print it with `python -m toolchain.upgrade proposal`)"
        )
    manifest = load_manifest(_manifest_file(url), expected_chain_id=chain_id)
    plan = plan_for(manifest, args.contract)
    accounts = rpc(url, "eth_accounts", timeout=10)
    config = load_deploy_config(ROOT / "deploy" / "local.yaml", accounts)
    proposer, approver = (m.officials[0] for m in config.committee_members[:2])
    guardian = next(g for g in config.grants if g.role == "GUARDIAN")
    if plan.requires_pause:
        _send(url, guardian.account, plan.old, "0x" + selector("pause()").hex())
        print(f"guardian {guardian.account} paused the old {args.contract}")
    # One committee act: the first member agency's official proposes the whole batch, the second's
    # approves, it is scheduled in the hub, the clock moves past the delay and it executes at once.
    council = manifest.address("Committee")
    calls = [(call.target, bytes.fromhex(call.data[2:])) for call in plan.calls]
    (count,) = decode(["uint256"], _view(url, council, selector("proposalCount()")))
    proposal = count + 1
    description = keccak(text=f"upgrade {args.contract} to {plan.new}")
    _send(
        url,
        proposer,
        council,
        "0x"
        + (
            selector("propose((address,bytes)[],bytes32)")
            + encode(["(address,bytes)[]", "bytes32"], [calls, description])
        ).hex(),
    )
    for sender, function in ((approver, "approve(uint256)"), (proposer, "schedule(uint256)")):
        _send(url, sender, council, "0x" + (selector(function) + encode(["uint256"], [proposal])).hex())
    raw = _view(url, council, selector("getProposal(uint256)") + encode(["uint256"], [proposal]))
    ((_, _, _, _, ready_at, _, _),) = decode(["(address,uint32,uint8,uint48,uint48,bytes32,bytes32)"], raw)
    now = int(rpc(url, "eth_getBlockByNumber", ["latest", False], timeout=10)["timestamp"], 16)
    rpc(url, "evm_increaseTime", [max(ready_at - now, 0) + 1])
    rpc(url, "evm_mine")
    _send(
        url, proposer, council, "0x" + (selector("execute(uint256)") + encode(["uint256"], [proposal])).hex()
    )
    for call in plan.calls:
        print(f"executed: {call.purpose}")
    print(
        f"the committee ran the act of {len(plan.calls)} calls as proposal {proposal} "
        f"(proposed by {proposer}, approved by {approver})"
    )
    return 0


def _view(url: str, to: str, data: bytes) -> bytes:
    return bytes.fromhex(
        rpc(url, "eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"], timeout=10)[2:]
    )


def _topic(address: str) -> str:
    return "0x" + "00" * 12 + address[2:].lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolchain.upgrade", description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    one = steps.add_parser("deploy", help="deploy the successor and write the committee act")
    one.add_argument("--network", required=True)
    one.add_argument("--contract", required=True)
    one.add_argument("--out", default="upgrade-act.json", help="where to write the committee act (JSON)")
    two = steps.add_parser("proposal", help="print the committee act of the pending version")
    two.add_argument("--contract", required=True)
    three = steps.add_parser("activate", help="record the switch once the committee act executed")
    three.add_argument("--contract", required=True)
    four = steps.add_parser("rehearse", help="run the committee act on a local chain (development accounts)")
    four.add_argument("--contract", required=True)
    args = parser.parse_args(argv)
    try:
        _check_contract(args.contract)
        return {"deploy": deploy, "proposal": proposal, "activate": activate, "rehearse": rehearse}[
            args.step
        ](args)
    except (UpgradeInputError, ManifestError, UpgradeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
