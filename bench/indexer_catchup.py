"""Indexer catch-up benchmark: events/second ingested into SQLite and resident memory as the
history grows. Writes the "Indexer" section of docs/performance.md.

    .venv-app/bin/python bench/indexer_catchup.py [--events 100000 1000000] [--per-tx 250]

A fresh anvil gets the suite deployed by scripts/deploy.py; the events are real events of a
manifest contract: AccessHub `RoleLabel(uint64 indexed roleId, string label)`, emitted by the
deployer (hub admin on a local chain) through the hub's own `multicall`, `--per-tx` labels per
transaction, one transaction per block. Catch-up then runs in a fresh process (so its memory is
its own) with the gateway's defaults: adaptive eth_getLogs ranges, one DB transaction per batch."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eth_abi import encode  # noqa: E402
from eth_utils import function_signature_to_4byte_selector as selector  # noqa: E402

from app.protocol.manifest import load_manifest, manifest_path  # noqa: E402
from tests.support.localchain import anvil, deploy_local, rpc  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
LABEL = selector("labelRole(uint64,string)")
MULTICALL = selector("multicall(bytes[])")


def emit(url: str, hub: str, deployer: str, count: int, per_tx: int, first_role: int) -> None:
    sent = 0
    while sent < count:
        n = min(per_tx, count - sent)
        calls = [
            LABEL + encode(["uint64", "string"], [first_role + sent + i, f"bench-{first_role + sent + i}"])
            for i in range(n)
        ]
        data = "0x" + (MULTICALL + encode(["bytes[]"], [calls])).hex()
        rpc(url, "eth_sendTransaction", [{"from": deployer, "to": hub, "data": data, "gas": hex(25_000_000)}])
        sent += n


def rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def catch_up(url: str, manifest_file: str, database: str, expected: int, queue) -> None:
    from app.db.migrate import upgrade
    from app.db.session import make_engine, make_session_factory
    from app.indexer.follower import Indexer
    from app.indexer.node import Node

    upgrade(database)
    indexer = Indexer(Node(url), make_session_factory(make_engine(database)), load_manifest(manifest_file))
    samples, next_sample = [], expected // 10
    start = time.perf_counter()
    while True:
        indexer.step()
        if indexer.status.events_total >= next_sample:
            samples.append((indexer.status.events_total, rss_kib()))
            next_sample += expected // 10
        if indexer.caught_up():
            break
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((indexer.status.events_total, seconds, peak, samples, indexer.status.batches_total))


def run(url: str, manifest_file: str, expected: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/bench.db"
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=catch_up, args=(url, manifest_file, database, expected, queue))
        child.start()
        events, seconds, peak, samples, batches = queue.get()
        child.join()
        size = Path(f"{folder}/bench.db").stat().st_size
    return {
        "events": events,
        "seconds": seconds,
        "peak_kib": peak,
        "samples": samples,
        "batches": batches,
        "db_mib": size / 2**20,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000])
    parser.add_argument("--per-tx", type=int, default=250)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md")
    args = parser.parse_args()
    results = []
    with anvil(accounts=24) as url, tempfile.TemporaryDirectory() as manifests:
        deployed = deploy_local(url, Path(manifests))
        if deployed.returncode != 0:
            print(deployed.stdout[-2000:], deployed.stderr[-2000:], file=sys.stderr)
            return 1
        manifest_file = str(manifest_path(manifests, 31337))
        manifest = load_manifest(manifest_file)
        hub, deployer = manifest.address("AccessHub"), manifest.raw["deployer"]
        emitted = 0
        for target in sorted(args.events):
            started = time.perf_counter()
            emit(url, hub, deployer, target - emitted, args.per_tx, 10_000 + emitted)
            emitted = target
            print(f"{target} events emitted in {time.perf_counter() - started:.0f} s", flush=True)
            result = run(url, manifest_file, target)
            results.append(result)
            print(
                f"{result['events']} events in {result['seconds']:.1f} s = "
                f"{result['events'] / result['seconds']:.0f} events/s, "
                f"peak RSS {result['peak_kib'] / 1024:.0f} MiB, samples {result['samples']}",
                flush=True,
            )
    if not args.no_write:
        write_doc(results, args.per_tx, args.events)
    return 0


def write_doc(results: list[dict], per_tx: int, requested: list[int]) -> None:
    lines = [
        "## Indexer",
        "",
        "Catch-up of a fresh database from the deployment block to the head of a local anvil, measured by",
        "`.venv-app/bin/python bench/indexer_catchup.py --events "
        + " ".join(str(n) for n in sorted(requested))
        + "` (written by the script, not by hand).",
        f"Events: AccessHub `RoleLabel` (real events of a manifest contract), {per_tx} per transaction",
        "and block, plus the deployment's own events. SQLite (WAL), one transaction per eth_getLogs batch,",
        "adaptive ranges.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        "| events | seconds | events/s | batches | peak RSS (MiB) | database (MiB) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['events']:,} | {r['seconds']:.1f} | {r['events'] / r['seconds']:,.0f} | {r['batches']} | "
            f"{r['peak_kib'] / 1024:.0f} | {r['db_mib']:.0f} |"
        )
    lines += ["", "Resident memory during catch-up (MiB), sampled every tenth of the history:", ""]
    for r in results:
        series = ", ".join(f"{n:,}: {kib / 1024:.0f}" for n, kib in r["samples"])
        lines.append(f"- {r['events']:,} events: {series}")
    section = "\n".join(lines) + "\n"
    text = DOC.read_text() if DOC.exists() else "# Performance\n\nMeasured by commands, never by hand.\n\n"
    if "## Indexer" in text:
        before, rest = text.split("## Indexer", 1)
        after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
