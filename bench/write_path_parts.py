"""The parts of a relayed write, each beside what it replaced (docs/decisions/0011): CPU per JSON-RPC
request, the node's CPU per simulation, calldata encoding and transaction signing. Writes the
"Write path parts" section of docs/performance.md.

    .venv-app/bin/python bench/write_path_parts.py [--repeat 1000] [--no-write]

Everything on this machine: anvil with the suite deployed by scripts/deploy.py, one supplier and one
tender, and one commitBidBySig call (the benchmark's relayed bid). Each figure is the mean over
`--repeat` runs after one warm-up; CPU is this process's (time.process_time) or anvil's (/proc)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eth_account import Account  # noqa: E402
from web3 import Web3  # noqa: E402

from app.ledger.calldata import calldata  # noqa: E402
from app.ledger.client import node_session  # noqa: E402
from app.ledger.rpc import JsonRpc  # noqa: E402
from app.ledger.signing import TransactionSigner  # noqa: E402
from app.protocol.manifest import load_manifest, manifest_path  # noqa: E402
from bench import bid_load  # noqa: E402
from bench.gateway_load import write_section  # noqa: E402
from bench.procstat import cpu_seconds, pid_listening_as  # noqa: E402
from tests.support.localchain import anvil, deploy_local  # noqa: E402

HEADING = "## Write path parts"


def own_cpu_ms(run, repeat: int) -> float:
    run()
    start = time.process_time()
    for _ in range(repeat):
        run()
    return 1000 * (time.process_time() - start) / repeat


def node_cpu_ms(pid: int, run, repeat: int) -> float:
    run()
    start = cpu_seconds(pid)
    for _ in range(repeat):
        run()
    return 1000 * (cpu_seconds(pid) - start) / repeat


def measure(repeat: int) -> list[tuple[str, str, float, str, float]]:
    """Rows: (part, before, ms, after, ms)."""
    with anvil() as url, tempfile.TemporaryDirectory() as folder:
        deployed = deploy_local(url, Path(folder))
        if deployed.returncode != 0:
            raise SystemExit(deployed.stdout[-2000:] + deployed.stderr[-2000:])
        manifest = load_manifest(manifest_path(Path(folder), 31337))
        w3 = bid_load.web3_for(url)
        tenders = bid_load.contract(w3, manifest, "Tenders")
        suppliers = bid_load.register_suppliers(w3, manifest, 1)
        ocids = bid_load.announce_tenders(w3, manifest, 1, "parts")
        deadline = w3.eth.get_block("latest")["timestamp"] + 86400
        plan = bid_load.sign_bids(31337, tenders.address, suppliers, ocids, deadline, lambda _: "")[0]
        args = plan.bids[0].args
        relayer = w3.eth.accounts[0]
        call = {
            "from": relayer,
            "to": tenders.address,
            "data": Web3.to_hex(calldata(tenders, "commitBidBySig", args)),
        }
        anvil_pid = pid_listening_as("anvil", int(url.rsplit(":", 1)[1]))
        plain = JsonRpc(url)
        web3_default = Web3(Web3.HTTPProvider(url))
        web3_session = Web3(Web3.HTTPProvider(url, session=node_session()))
        key = os.urandom(32)
        tx = {
            "chainId": 31337,
            "nonce": 7,
            "gas": 200_000,
            "to": tenders.address,
            "value": 0,
            "data": calldata(tenders, "commitBidBySig", args),
            "maxFeePerGas": 2 * 10**9,
            "maxPriorityFeePerGas": 10**9,
            "type": 2,
        }
        account, signer = Account.from_key(key), TransactionSigner(key)
        rows = [
            (
                "CPU per JSON-RPC request (eth_getTransactionCount)",
                "web3.py, default session",
                own_cpu_ms(lambda: web3_default.eth.get_transaction_count(relayer), repeat),
                "app/ledger/rpc.py",
                own_cpu_ms(lambda: plain.call("eth_getTransactionCount", [relayer, "latest"]), repeat),
            ),
            (
                "CPU per JSON-RPC request through web3.py (reads)",
                "default session",
                own_cpu_ms(lambda: web3_default.eth.get_transaction_count(relayer), repeat),
                "the gateway's session (no proxy lookup)",
                own_cpu_ms(lambda: web3_session.eth.get_transaction_count(relayer), repeat),
            ),
        ]
        if anvil_pid:
            rows.append(
                (
                    "anvil's CPU per simulation of commitBidBySig",
                    "eth_estimateGas",
                    node_cpu_ms(anvil_pid, lambda: plain.call("eth_estimateGas", [call]), repeat),
                    "eth_createAccessList",
                    node_cpu_ms(
                        anvil_pid, lambda: plain.call("eth_createAccessList", [call, "latest"]), repeat
                    ),
                )
            )
        rows += [
            (
                "CPU per commitBidBySig calldata",
                "Contract.encode_abi",
                own_cpu_ms(lambda: tenders.encode_abi("commitBidBySig", args), repeat),
                "app/ledger/calldata.py",
                own_cpu_ms(lambda: calldata(tenders, "commitBidBySig", args), repeat),
            ),
            (
                "CPU per transaction signature (EIP-1559)",
                "eth-account",
                own_cpu_ms(lambda: account.sign_transaction(tx), repeat),
                "app/ledger/signing.py",
                own_cpu_ms(lambda: signer.sign(tx), repeat),
            ),
        ]
    return rows


def render(rows, repeat: int) -> str:
    lines = [
        HEADING,
        "",
        f"Measured by `.venv-app/bin/python bench/write_path_parts.py --repeat {repeat}` (written by the",
        "script): each part of a relayed bid beside what it replaced (docs/decisions/0011), the mean of",
        f"{repeat} runs after a warm-up, against anvil on this machine (2 CPUs; other work moves figures).",
        "",
        "| part | before | ms | after | ms |",
        "| --- | --- | ---: | --- | ---: |",
    ]
    lines += [f"| {part} | {a} | {a_ms:.3f} | {b} | {b_ms:.3f} |" for part, a, a_ms, b, b_ms in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    section = render(measure(args.repeat), args.repeat)
    print(section)
    if not args.no_write:
        write_section(section, HEADING)
        print("wrote the Write path parts section of docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
