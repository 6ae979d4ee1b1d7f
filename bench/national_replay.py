"""National replay: a year of procurement and a welfare quarter, at a chosen fraction of Indonesia's
volume, through the real contracts on a fresh anvil and then the real indexer; writes the
"National replay" section of docs/performance.md and bench/national_replay.json.

    .venv-app/bin/python bench/national_replay.py [--scale F | --full] [--seed 7] [--keep DIR]
        [--database-url URL] [--gateway-sample 0.01] [--no-write]
    .venv-app/bin/python bench/national_replay.py --figures bench/national_replay.json  # re-render only

Scale 1.0 (`--full`) is a year: 150,000 tenders, 1,000,000 bids, 10,000,000 families enrolled and
paid; the default `--scale 0.1` is a tenth of that. Generated from `--seed` (bench/replay/population.py
and scripts/welfare_families.py), driven on an anvil launched on a free port (never an existing chain):
transactions sent in pipelined JSON-RPC batches with automine off, tenders in cohorts sharing a
timeline moved by evm_setNextBlockTimestamp. A sample of tenders goes through the real gateway
(`python -m app`) and is reported separately. The indexer then catches up in a fresh process.

Interface kept for the reads benchmark (`--keep DIR`; bench/reads_with_history.py builds on it):

    DIR/anvil-state.json   the chain: `anvil --load-state DIR/anvil-state.json --chain-id 31337 ...`
                           (bench.replay.chain.anvil_command(port, load_state) is the exact command)
    DIR/manifest/31337.json  the deployment manifest (TERANG_MANIFEST_DIR=DIR/manifest)
    DIR/deploy.yaml        the run's deployment config (deploy/local.yaml plus the replay's agencies)
    DIR/terang.db          the indexed gateway database (SQLite; absent with --database-url, whose
                           database then holds it), cursor at the replay's last block
    DIR/replay.json        {"scale", "seed", "chain_id", "head_block", "database_url",
                           "samples": {"ocids_awarded", "ocids_failed", "supplier_ids", "supplier_accounts",
                           "agency_ids", "programme_ids", "escrow_ids", "beneficiary_keys"}, "run"}
    DIR/gateway/           the gateway sample's issuer keys, signers file, log and own database; its
                           tenders (ocds-terang-1001-replay-<seed>-gateway-NNNN) and bids are on the chain

Restart both with bench.replay.keep.restore(DIR) (a context manager yielding the chain URL, the
manifest directory and the database URL).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.protocol.manifest import load_manifest, manifest_path  # noqa: E402
from bench.procstat import RssSampler  # noqa: E402
from bench.replay import keep as keeplib  # noqa: E402
from bench.replay import population, report  # noqa: E402
from bench.replay.chain import dump_state, impersonate, own_anvil  # noqa: E402
from bench.replay.deploy_config import write_deploy_config  # noqa: E402
from bench.replay.gateway_sample import through_gateway  # noqa: E402
from bench.replay.indexing import catch_up  # noqa: E402
from bench.replay.procurement import Procurement  # noqa: E402
from bench.replay.sender import ReplayError, Sender  # noqa: E402
from bench.replay.welfare import WelfareQuarter  # noqa: E402
from tests.support.localchain import deploy_local  # noqa: E402

YEAR = {"tenders": 150_000, "bids": 1_000_000, "families": 10_000_000}
BLOCK_PERIOD = report.BLOCK_PERIODS[0]  # seconds between the gateway sample's blocks (QBFT's shorter)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, default=0.1, help="fraction of a national year (default 0.1)")
    size.add_argument("--full", action="store_true", help="a whole year (scale 1.0)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cohort", type=int, default=1000, help="tenders sharing one timeline")
    parser.add_argument("--batch", type=int, default=500, help="families per enrol/disburse transaction")
    parser.add_argument("--keep", type=Path, help="keep chain state, manifest, database and sample ids here")
    parser.add_argument("--database-url", help="index into this database (default SQLite in a temp dir)")
    parser.add_argument(
        "--gateway-sample", type=float, default=0.01, help="share of tenders sent via the gateway"
    )
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "national_replay.json")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; write neither the doc nor the JSON"
    )
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--figures", type=Path, help="re-render the doc section from a run's JSON; run nothing"
    )
    args = parser.parse_args(argv)
    if args.full:
        args.scale = 1.0
    if not 0 < args.scale <= 1:
        parser.error(f"--scale must be in (0, 1], not {args.scale}")
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep} is not empty; give a new or empty directory")
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if args.figures:
        try:
            figures = json.loads(args.figures.read_text())
        except (OSError, ValueError) as exc:
            print(f"national replay: cannot read --figures {args.figures}: {exc}", file=sys.stderr)
            return 2
        if not args.no_write:
            report.write_section(figures, args.doc)
            print(f"wrote the National replay section of {args.doc} from {args.figures}")
        else:
            print(report.section(figures))
        return 0
    try:
        figures = replay(args)
    except ReplayError as exc:
        print(f"national replay: {exc}", file=sys.stderr)
        return 1
    print(report.summary(figures))
    if not args.no_write:
        report.write(figures, args.doc, args.json)
        print(f"wrote {args.json} and the National replay section of {args.doc}")
    return 0


def replay(args: argparse.Namespace) -> dict:
    say = (lambda *_: None) if args.quiet else (lambda m: print(m, flush=True))
    counts = {k: max(1, round(v * args.scale)) for k, v in YEAR.items()}
    year = population.year(args.seed, counts["tenders"], counts["bids"])
    with contextlib.ExitStack() as stack:
        work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="replay-")))
        work.mkdir(parents=True, exist_ok=True)
        database = args.database_url or f"sqlite:///{work / 'terang.db'}"
        chain = stack.enter_context(own_anvil())
        sampler = stack.enter_context(RssSampler({"anvil": chain.pid, "replay": os.getpid()}, interval=1.0))
        wall: dict[str, float] = {}

        def timed(name: str):
            sampler.phase = name
            started = time.perf_counter()
            return lambda: wall.__setitem__(name, wall.get(name, 0.0) + time.perf_counter() - started)

        done = timed("deploy")
        config = write_deploy_config(year.agencies, work / "deploy.yaml")
        generated = [a.ppk for a in year.agencies] + [
            x for a in year.agencies for x in (*a.pokja, *a.verifiers)
        ]
        impersonate(chain.rpc, generated + year.suppliers)
        deployed = deploy_local(chain.url, work / "manifest", config)
        if deployed.returncode != 0:
            raise ReplayError("deployment failed: " + (deployed.stdout + deployed.stderr)[-1500:])
        manifest_file = manifest_path(work / "manifest", 31337)
        manifest = load_manifest(manifest_file)
        dev = chain.rpc.call("eth_accounts")
        sender = Sender(chain.rpc)
        quarter = WelfareQuarter(sender, manifest, dev, chain.url)
        quarter.define()
        chain.rpc.call("evm_setAutomine", [False])
        done()

        procurement = Procurement(sender, manifest, year, dev)
        done = timed("suppliers")
        procurement.register_suppliers()
        done()
        say(f"{len(year.suppliers):,} suppliers registered and verified")
        for first in range(0, len(year.tenders), args.cohort):
            cohort = year.tenders[first : first + args.cohort]
            done = timed("procurement")
            procurement.cohort(cohort)
            done()
            say(f"tenders {first + len(cohort):,}/{len(year.tenders):,} ({wall['procurement']:.0f} s)")

        # The gateway's sample comes with the procurement it samples, before the welfare quarter's
        # million families make each of anvil's blocks (and so each relayed bid) slow to seal.
        gateway = None
        if args.gateway_sample > 0:
            done = timed("gateway")
            gateway = through_gateway(
                chain.rpc, manifest_file, year, args.gateway_sample, work / "gateway", BLOCK_PERIOD
            )
            sender.forget_nonces()
            done()
            if gateway:
                say(f"gateway sample: {gateway.get('refused') or str(gateway['bids']) + ' bids'}")

        done = timed("enrol")
        keys = quarter.enrol(
            counts["families"], args.seed, args.batch, lambda n: say(f"enrolled {n:,} applicants")
        )
        done()
        done = timed("pay")
        quarter.pay(keys, args.batch, lambda n: say(f"paid {n:,} families"))
        done()

        head = int(chain.rpc.call("eth_blockNumber"), 16)
        emitted = sum(sender.tally.events.values())
        say(f"chain loaded: {head:,} blocks, {sum(sender.tally.transactions.values()):,} transactions")
        sampler.phase = "catch-up"
        started = time.perf_counter()
        indexed = catch_up(chain.url, manifest_file, database, emitted)
        wall["catch_up"] = time.perf_counter() - started
        say(f"indexed {indexed['events']:,} events in {indexed['seconds']:.0f} s")

        figures = report.figures(
            args=args,
            counts=counts,
            year=year,
            tally=sender.tally,
            procurement=procurement,
            quarter=quarter,
            wall=wall,
            sampler=sampler,
            indexed=indexed,
            head=head,
        )
        if gateway:
            figures["gateway"] = gateway
        if args.keep:
            dump_state(chain.rpc, work / "anvil-state.json")
            keeplib.write_index(work, figures, year, procurement, quarter, keys, database, head)
        return figures


if __name__ == "__main__":
    sys.exit(main())
