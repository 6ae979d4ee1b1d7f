"""Failover benchmark: writes per second through the gateway while one of two node endpoints is killed,
beside the same load with both up, in one run; and the longest time a write waited. Writes
bench/failover.json and the "Failover" section of docs/performance.md.

    .venv-app/bin/python bench/failover.py [--workers 8] [--seconds 20]

The system is `make run --no-pilot --nodes 2` (anvil, the suite, the gateway with its node pool in
front of two JSON-RPC proxies standing for two agencies' nodes, toolchain/rpcproxy.py). The load:
`--workers` threads, each registering suppliers one after another through POST /suppliers (a relayed
write answered once its receipt is in), for `--seconds` with both nodes up, then for `--seconds`
from the moment the first node (the one every call goes to) is killed. Every write must succeed:
a refused or failed one is counted and printed."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from eth_account import Account  # noqa: E402

from bench.doc_section import write_section  # noqa: E402
from tests.support.local_system import local_system  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
RECORD = ROOT / "bench" / "failover.json"
SECTION = "## Failover"


def registration() -> dict:
    return {
        "account": Account.create().address,
        "nib": f"91400{uuid.uuid4().int % 10**8:08d}",
        "npwp": "011234567890100",
        "umkm": False,
        "regionCode": 6302,
    }


def phase(base: str, token: str, workers: int, seconds: float, on_start=None) -> dict:
    """`workers` threads writing for `seconds`; each write's latency and outcome."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while time.monotonic() < deadline:
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
                began = time.monotonic()
                response = client.post("/suppliers", json=registration(), headers=headers)
                took = time.monotonic() - began
                with lock:
                    if response.status_code in (200, 201):
                        latencies.append(took)
                    else:
                        failures.append(f"{response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    started = time.monotonic()
    if on_start is not None:
        on_start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "writes": len(latencies),
        "failed": len(failures),
        "failures": failures[:5],
        "seconds": round(elapsed, 2),
        "writes_per_second": round(len(latencies) / elapsed, 2),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1) if latencies else None,
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="terang-failover-") as folder,
        local_system(Path(folder), nodes=2) as system,
    ):
        tokens = json.loads((system.state / "dev-tokens.json").read_text())
        token = tokens["agency-officer-1001"]
        first, second = json.loads((system.state / "nodes.json").read_text())
        phase(system.gateway_url, token, 2, 3)  # warm-up: connections, caches, the first nonces
        steady = phase(system.gateway_url, token, args.workers, args.seconds)
        # The same again with both nodes up: the system is fuller by then, so the phase with the node
        # killed is compared with the one just before it as well as with the first.
        again = phase(system.gateway_url, token, args.workers, args.seconds)
        killed = phase(
            system.gateway_url,
            token,
            args.workers,
            args.seconds,
            on_start=lambda: httpx.post(first["control"], json={"state": "down"}, timeout=10),
        )
        ops = httpx.get(system.gateway_url + "/ops/status", timeout=30).json()
        second_calls = httpx.get(second["control"], timeout=10).json()["methods"]
    states = {
        n["name"]: ("healthy" if n["healthy"] else "down" if not n["up"] else "unhealthy")
        for n in ops["nodes"]
    }
    figures = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "workers": args.workers,
        "seconds": args.seconds,
        "steady": steady,
        "steady_again": again,
        "node_killed": killed,
        "ratio": round(killed["writes_per_second"] / steady["writes_per_second"], 3),
        "ratio_to_previous": round(killed["writes_per_second"] / again["writes_per_second"], 3),
        "nodes_after": states,
        "writes_sent_to_second_node": second_calls.get("eth_sendRawTransaction", 0),
    }
    RECORD.write_text(json.dumps(figures, indent=2) + "\n")
    write_section(DOC, SECTION, table(figures))
    print(json.dumps(figures, indent=2))
    return 0 if steady["failed"] == again["failed"] == killed["failed"] == 0 else 1


def table(f: dict) -> str:
    rows = "\n".join(
        f"| {label} | {p['writes']} | {p['failed']} | {p['writes_per_second']} | {p['p50_ms']} "
        f"| {p['p99_ms']} | {p['max_ms']} |"
        for label, p in (
            ("both nodes up", f["steady"]),
            ("both nodes up, again", f["steady_again"]),
            ("first node killed", f["node_killed"]),
        )
    )
    nodes = ", ".join(f"{n} {s}" for n, s in f["nodes_after"].items())
    return f"""{SECTION}

Written by `bench/failover.py` (`.venv-app/bin/python bench/failover.py --workers {f["workers"]} \
--seconds {f["seconds"]:g}`) on {f["machine"]}. `make run --no-pilot --nodes 2`: the gateway's node pool
in front of two JSON-RPC proxies standing for two agencies' nodes on one local chain (a real
multi-validator network cannot run here). {f["workers"]} threads register suppliers through POST
/suppliers, each write answered once its receipt is in, for {f["seconds"]:g} s per phase: twice with both
nodes up, then from the moment the node every call goes to is killed.

| phase | writes | failed | writes/s | p50 ms | p99 ms | longest wait ms |
|---|---:|---:|---:|---:|---:|---:|
{rows}

Writes per second with a node killed: {f["ratio"]:.0%} of the first phase, {f["ratio_to_previous"]:.0%} of
the phase just before it. Nodes afterwards: {nodes}; the second node took
{f["writes_sent_to_second_node"]} transactions.
"""


if __name__ == "__main__":
    sys.exit(main())
