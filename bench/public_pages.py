"""Milliseconds per public page with N tenders, at two revisions: a base revision (before the read
models) and this checkout's working tree. Writes bench/public_pages.json and prints its table.

    .venv-app/bin/python bench/public_pages.py [--base 2574a70^] [--tenders 100 300]
        [--requests 15] [--no-write]

One anvil chain gets the suite deployed by this checkout's deploy script, three suppliers
registered and verified, then the tenders: each announced by the agency officer, its Pokja appointed
and two sealed bids committed with their envelopes (TenderAnnounced + PokjaAppointed + 2
BidCommitted). For each tender count, each revision runs as
`python -m app` from its own tree (the base from a temporary `git worktree add --detach`, removed
at the end) with this checkout's .venv-app interpreter, on its own SQLite database, indexer on
(the default local shape), rate limits off (TERANG_RATE_LIMIT_PER_SECOND=0; the base has none).
Once its indexer has caught up (/health cursorBlock at the head) and the read models are built
(the first request of each page is a warm-up, not counted), every page is requested `--requests`
times one after another by one client; the figure is the median of the wall times (and the 90th
percentile), so it is the cost of one page alone, not under load."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from web3 import Web3  # noqa: E402

from app.auth import devissuer  # noqa: E402
from app.protocol import bids as bidlib  # noqa: E402
from app.protocol.manifest import load_manifest  # noqa: E402
from app.tenders import envelope  # noqa: E402
from app.tenders.opening_codec import encode_opening  # noqa: E402
from tests.support.indexed import cursor_block  # noqa: E402
from tests.support.localchain import anvil, deploy_local  # noqa: E402
from tests.support.tender_scenario import POKJA, QUORUM, Scenario  # noqa: E402
from toolchain.dev_signers import write_signers  # noqa: E402
from toolchain.run_local import free_port  # noqa: E402

PAGES = (
    "/explorer/redflags",
    "/explorer/tenders",
    "/explorer/",
    "/explorer/redflags.json",
    "/ocds/releases",
    "/ocds/releases/{ocid}",
    "/explorer/tenders/{ocid}",
)
FIGURES = ROOT / "bench" / "public_pages.json"
OFFICER, BIDDERS = 4, (16, 17)
DAY = 24 * 3600


def add_tenders(url: str, manifest, first: int, count: int) -> None:
    """Tenders first..first+count-1, each with its Pokja and two committed bids, sent back to back."""
    scenario = Scenario(url, manifest)
    ids = scenario.suppliers()
    w3, tenders = scenario.w3, scenario.tenders
    start = w3.eth.get_block("latest")["timestamp"]
    nonces = {i: w3.eth.get_transaction_count(w3.eth.accounts[i]) for i in (OFFICER, *BIDDERS)}
    members = [w3.eth.accounts[i] for i in POKJA]
    keys = [scenario.member_keys[i][1] for i in POKJA]
    last = []
    for n in range(first, first + count):
        ocid = f"ocds-terang-1001-bench-{n:05d}"
        params = (ocid, f"Pengadaan {n}", Web3.keccak(text=ocid), 1001, 1_000_000_000 + n, 0, 0, 0, 0)
        params += (False, False, start + 30 * DAY, start + 32 * DAY, 3 * DAY, 1, 0, 0, 0)
        officer = w3.eth.accounts[OFFICER]
        tenders.functions.announceTender(params).transact({"from": officer, "nonce": nonces[OFFICER]})
        tender_id = bidlib.tender_id(ocid)
        tenders.functions.appointPokja(tender_id, members, keys, QUORUM).transact(
            {"from": officer, "nonce": nonces[OFFICER] + 1, "gas": 1_000_000}
        )
        nonces[OFFICER] += 2
        for index in BIDDERS:
            price, salt = 900_000_000 + n, bidlib.new_salt()
            commitment = bidlib.commitment(tender_id, ids[index], price, [], salt)
            opening = encode_opening(price, [], salt, bytes(32))
            sealed = envelope.seal(opening, tender_id, ids[index], keys, QUORUM)
            tx = tenders.functions.commitBid(tender_id, commitment, sealed).transact(
                {"from": w3.eth.accounts[index], "nonce": nonces[index], "gas": 500_000}
            )
            nonces[index] += 1
        last = [tx]
    for tx in last:
        assert w3.eth.wait_for_transaction_receipt(tx, timeout=120)["status"] == 1


@contextlib.contextmanager
def base_tree(rev: str) -> Iterator[Path]:
    parent = Path(tempfile.mkdtemp(prefix="terang-pages-"))
    folder = parent / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(folder), rev], cwd=ROOT, check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False)
        shutil.rmtree(parent, ignore_errors=True)


@contextlib.contextmanager
def gateway(tree: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "app"],
            cwd=tree,
            stdout=out,
            stderr=out,
            env={**os.environ, **env, "TERANG_PORT": str(port), "PYTHONPATH": str(tree)},
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/health", timeout=2).status_code in (200, 503):
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gateway did not start; see {log}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_indexed(base: str, head: int) -> None:
    deadline = time.monotonic() + 600
    while cursor_block(httpx.get(base + "/health", timeout=30).json()) < head:
        if time.monotonic() > deadline:
            raise RuntimeError("the indexer did not catch up")
        time.sleep(0.5)


def measure(base: str, ocid: str, requests: int) -> dict[str, dict[str, float]]:
    figures = {}
    with httpx.Client(base_url=base, timeout=300) as http:
        for page in PAGES:
            path = page.format(ocid=ocid)
            assert http.get(path).status_code == 200, path  # warm-up
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = http.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            times.sort()
            figures[page] = {
                "median_ms": round(statistics.median(times), 1),
                "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
                "bytes": len(response.content),
            }
    return figures


def table(result: dict) -> str:
    counts = result["tenders"]
    head = "| page | " + " | ".join(f"before, {n} tenders | after, {n} tenders" for n in counts) + " |"
    rule = "| --- |" + " ---: | ---: |" * len(counts)
    rows = []
    for page in PAGES:
        cells = []
        for n in counts:
            for side in ("before", "after"):
                f = result["runs"][str(n)][side][page]
                cells.append(f"{f['median_ms']:,.1f} (p90 {f['p90_ms']:,.1f})")
        rows.append(f"| {page} | " + " | ".join(cells) + " |")
    return "\n".join([head, rule, *rows])


def git_head() -> str:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return head.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="2574a70^", help="revision before the read models")
    parser.add_argument("--tenders", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="terang-pages-"))
    issuer = work / "issuer"
    devissuer.ensure_keys(issuer)
    runs: dict[str, dict] = {}
    with anvil() as url, base_tree(args.base) as before_tree:
        deployments = work / "deployments"
        assert deploy_local(url, deployments).returncode == 0
        manifest = load_manifest(deployments / "31337.json")
        env = {
            "TERANG_RPC_URL": url,
            "TERANG_CHAIN_ID": "31337",
            "TERANG_MANIFEST_DIR": str(deployments),
            "TERANG_SIGNERS_FILE": str(write_signers(url, work / "signers")),
            "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer / "public.pem"),
            "TERANG_ENVIRONMENT": "test",
            "TERANG_INDEXER_POLL_SECONDS": "0.2",
            "TERANG_RATE_LIMIT_PER_SECOND": "0",
        }
        made = 0
        for count in sorted(args.tenders):
            add_tenders(url, manifest, made, count - made)
            made = count
            head = Web3(Web3.HTTPProvider(url)).eth.block_number
            runs[str(count)] = {}
            for side, tree in (("before", before_tree), ("after", ROOT)):
                database = work / f"{side}-{count}.db"
                side_env = {**env, "TERANG_DATABASE_URL": f"sqlite:///{database}"}
                with gateway(tree, side_env, work / f"{side}-{count}.log") as base:
                    wait_indexed(base, head)
                    runs[str(count)][side] = measure(base, "ocds-terang-1001-bench-00000", args.requests)
                print(f"{count} tenders, {side}: done", file=sys.stderr)
    result = {
        "base": subprocess.run(
            ["git", "rev-parse", args.base], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "after": "working tree of " + git_head(),
        "tenders": sorted(args.tenders),
        "requests": args.requests,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "runs": runs,
    }
    shutil.rmtree(work, ignore_errors=True)
    if not args.no_write:
        FIGURES.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
