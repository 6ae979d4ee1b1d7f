"""The indexer's catch-up of a kept national replay, measured again with the code as it stands: the
chain restored from `bench/national_replay.py --keep DIR` on a fresh anvil, the real indexer with the
gateway's read models catching up into a new SQLite database in a fresh process, resident memory
sampled as it goes. The replay's figures (bench/national_replay.json, same scale, seed and head
block) take the new catch-up figures, and its section of docs/performance.md is written again.

    .venv-app/bin/python bench/replay_catchup.py --replay DIR [--no-write]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.protocol.manifest import manifest_path  # noqa: E402
from bench.replay import report  # noqa: E402
from bench.replay.indexing import catch_up  # noqa: E402
from bench.replay.keep import restore  # noqa: E402

FIGURES = ROOT / "bench" / "national_replay.json"
DOC = ROOT / "docs" / "performance.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replay", type=Path, required=True, help="what --keep DIR left")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    index = json.loads((args.replay / "replay.json").read_text())
    figures = json.loads(FIGURES.read_text())
    same = all(figures.get(k) == index.get(k) for k in ("scale", "seed"))
    if not same:
        print(f"error: {FIGURES.name} is not the run kept in {args.replay}", file=sys.stderr)
        return 2
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    with tempfile.TemporaryDirectory() as folder, restore(args.replay) as (url, manifests, _kept):
        database = f"sqlite:///{Path(folder) / 'catchup.db'}"
        manifest = manifest_path(manifests, index["chain_id"])
        indexed = catch_up(url, manifest, database, figures["events_total"])
    indexed["command"] = f"bench/replay_catchup.py --replay DIR at {commit.stdout.strip()}"
    print(
        f"{indexed['events']:,} events in {indexed['seconds']:.1f} s, {indexed['batches']:,} batches, "
        f"peak RSS {indexed['peak_kib'] / 1024:,.0f} MiB, database {indexed['database_mib']:,.0f} MiB"
    )
    print("RSS (events: MiB): " + ", ".join(f"{n:,}: {kib / 1024:.0f}" for n, kib in indexed["samples"]))
    if not args.no_write:
        figures["indexer"] = indexed
        report.write(figures, DOC, FIGURES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
