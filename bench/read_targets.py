"""Read targets: GET /health, GET /tenders/{ocid} and GET /suppliers/{id} of the gateway, each beside
the bare FastAPI app of bench/bare_app.py (its `def` and its `async def` endpoint) in the same run,
with wrk as the load generator. Target: each gateway read at least 50% of the bare app's requests/s.
Writes bench/read_targets.json and the "Read targets" section of docs/performance.md.

    .venv-app/bin/python bench/read_targets.py [--rev HEAD|worktree] [--rounds 3] [--duration 8]
        [--connections 32] [--threads 1] [--warmup 2] [--no-write] [--figures bench/read_targets.json]

The gateway is `python -m app` of a revision checked out into a temporary git worktree (default
HEAD: committed work only), or of this checkout as it is (`--rev worktree`), in the default local
shape (SQLite, in-process indexer, block-scoped read cache) on one anvil chain with the suite
deployed, one supplier and one tender (bench/reads_before_after.py's set-up, servers and wrk
runner are reused). Per-client rate limiting is turned off (TERANG_RATE_LIMIT_PER_SECOND=0): wrk is
one client, and the figure wanted is the cost of the read path, not the limit. Per endpoint a short
unrecorded warm-up of each server, then rounds of gateway, bare `def`, bare `async def` in turn
(rotated each round); figures are the medians of the rounds."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.gateway_load import gateway_env  # noqa: E402
from bench.procstat import pid_listening_as  # noqa: E402
from bench.reads_before_after import (  # noqa: E402
    WRK,
    _here,
    _wrap,
    describe,
    imported_from,
    machine_paragraph,
    measure_and_write,
    measure_round,
    paths_for,
    served,
    setup_chain,
    worktree,
    wrk,
)
from tests.support.localchain import anvil  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
RECORD = ROOT / "bench" / "read_targets.json"
HEADING = "## Read targets"
ENDPOINTS = ("GET /health", "GET /tenders/{ocid}", "GET /suppliers/{id}")
SERVERS = ("gateway", "bare def", "bare async")
TARGET = 0.5


def measure(args, folder: Path) -> dict:
    revision = describe("HEAD")
    if args.rev == "worktree":
        revision = {**revision, "rev": "working tree"}
    elif args.rev != "HEAD":
        revision = describe(args.rev)
    figures: dict = {
        "settings": {k: v for k, v in vars(args).items() if k not in ("figures", "no_write")},
        "revision": revision,
        "machine": {
            "arch": platform.machine(),
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "wrk": subprocess.run([WRK, "--version"], capture_output=True, text=True).stdout.split(" [")[0],
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        },
        "load_average_before": os.getloadavg(),
        "rounds": [],
    }
    tree_of = _here() if args.rev == "worktree" else worktree(revision["commit"], folder / "tree")
    with tree_of as tree, anvil() as url:
        imported_from(tree)  # the gateway imports the app package of the tree measured
        print("deploying; registering a supplier, announcing a tender", flush=True)
        data = setup_chain(url, folder)
        anvil_pid = pid_listening_as("anvil", int(url.rsplit(":", 1)[1]))
        paths = paths_for(data)
        env = {
            **gateway_env(url, folder, f"sqlite:///{folder / 'gateway.db'}"),
            "TERANG_RATE_LIMIT_PER_SECOND": "0",
        }
        bare = [str(ROOT / "bench" / "bare_app.py"), "--port", "{port}"]
        with (
            served(["-m", "app"], tree, "/health", folder / "gateway.log", env) as gateway,
            served(bare, ROOT, "/sync", folder / "bare.log") as bare_server,
        ):
            for endpoint in ENDPOINTS:
                answer = httpx.get(gateway["url"] + paths[endpoint][0], timeout=30)
                if answer.status_code != 200:
                    raise SystemExit(f"{endpoint}: the gateway answered {answer.status_code}")
            targets = {"gateway": gateway, "bare def": bare_server, "bare async": bare_server}
            for endpoint in ENDPOINTS:
                urls = {
                    "gateway": gateway["url"] + paths[endpoint][0],
                    "bare def": bare_server["url"] + "/sync",
                    "bare async": bare_server["url"] + "/async",
                }
                print(f"{endpoint}: warm-up {args.warmup:g} s each", flush=True)
                for name in SERVERS:
                    if args.warmup > 0:
                        wrk(urls[name], args.warmup, args)
                for round_ in range(1, args.rounds + 1):
                    print(f" round {round_}", flush=True)
                    shift = (round_ - 1) % len(SERVERS)
                    for name in SERVERS[shift:] + SERVERS[:shift]:
                        row = measure_round(name, endpoint, targets[name], urls[name], anvil_pid, args)
                        figures["rounds"].append({"round": round_, **row})
    figures["load_average_after"] = os.getloadavg()
    return figures


def summary(figures: dict) -> list[dict]:
    rows = []
    for endpoint in ENDPOINTS:
        row: dict = {"endpoint": endpoint}
        for name in SERVERS:
            rounds = [r for r in figures["rounds"] if r["endpoint"] == endpoint and r["server"] == name]
            row[name] = {
                "rps": statistics.median(r["rps"] for r in rounds),
                "rounds_rps": [r["rps"] for r in rounds],
                "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
                "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
                "errors": sum(r["non_2xx"] + r["socket_errors"] for r in rounds),
                "cpu_ms_per_request": statistics.median(
                    1000 * r["server_cpu_seconds"] / r["requests"] for r in rounds if r["requests"]
                ),
            }
        row["of_def"] = row["gateway"]["rps"] / row["bare def"]["rps"]
        row["of_async"] = row["gateway"]["rps"] / row["bare async"]["rps"]
        rows.append(row)
    return rows


def render(figures: dict) -> str:
    s, rev = figures["settings"], figures["revision"]
    rows = summary(figures)
    what = (
        f"the working tree on {rev['commit'][:7]} (uncommitted edits included)"
        if rev["rev"] == "working tree"
        else f"{rev['commit'][:7]} ({rev['subject']})"
    )
    lines = [
        HEADING,
        "",
        _wrap(
            f"Measured by `.venv-app/bin/python bench/read_targets.py --rev {s['rev']} --rounds {s['rounds']}"
            f" --duration {s['duration']:g} --connections {s['connections']} --threads {s['threads']}"
            f" --warmup {s['warmup']:g}` (written by the script, not by hand; every round is in"
            f" bench/read_targets.json). Gateway: {what}, served as `python -m app` in the default local"
            " shape (SQLite, in-process indexer, block-scoped read cache), per-client rate limiting off"
            " (wrk is one client), one anvil chain with the suite deployed, one supplier and one tender."
            " Bare: bench/bare_app.py under the same uvicorn settings, its `def` and its `async def`"
            f" endpoint. Load: `wrk -t{s['threads']} -c{s['connections']} -d{s['duration']:g}s --latency`;"
            f" per endpoint a {s['warmup']:g} s warm-up of each, then {s['rounds']} round(s) of the three"
            " in turn (order rotated each round); medians of the rounds. Target: each gateway read at"
            f" least {TARGET:.0%} of the bare app's requests/s."
        ),
        "",
        machine_paragraph(figures),
        "",
        "| endpoint | gateway req/s | p50 / p99 ms | server CPU ms/request | bare def req/s | of bare def |"
        " bare async req/s | of bare async | target | gateway rounds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in rows:
        g, d, a = r["gateway"], r["bare def"], r["bare async"]
        met = (
            "met"
            if min(r["of_def"], r["of_async"]) >= TARGET
            else ("met against def only" if r["of_def"] >= TARGET else "missed")
        )
        lines.append(
            f"| {r['endpoint']} | {g['rps']:,.0f} | {g['p50_ms']:.1f} / {g['p99_ms']:.1f} |"
            f" {g['cpu_ms_per_request']:.2f} | {d['rps']:,.0f} | {r['of_def']:.0%} | {a['rps']:,.0f} |"
            f" {r['of_async']:.0%} | {met} | {', '.join(f'{v:,.0f}' for v in g['rounds_rps'])} |"
        )
    errors = sum(r[name]["errors"] for r in rows for name in SERVERS)
    lines += ["", f"Failed requests (not 2xx, or socket errors) over all rounds: {errors}."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD", help="a revision (a worktree of it), or 'worktree'")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load per server")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--figures", help="re-render the section from this JSON instead of measuring")
    return measure_and_write(
        parser.parse_args(), measure, summary, render, RECORD, HEADING, "terang-read-targets-"
    )


if __name__ == "__main__":
    sys.exit(main())
