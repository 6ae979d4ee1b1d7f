"""Memory of the OCDS bulk streams: the peak resident memory of the generators behind
/ocds/releases.jsonl and /ocds/records.jsonl (app/ocds/packages.py release_lines, record_lines,
as the routes run them) while streaming every ocid of a read model of N ocids, at several N.
Writes the "OCDS streams" section of docs/performance.md.

    .venv-app/bin/python bench/ocds_stream.py [--ocids 2000 20000]

The read model (ocds_tenders, SQLite, migrated as the gateway does) is filled directly with
synthetic rows: each ocid a story of RELEASES releases of about 1.2 KiB (about 14 KiB an ocid, the
national replay's average) and their compiled release. Each stream then runs in a fresh process
(its memory its own): its resident memory before the first line (imports, engine) and its peak
(VmHWM) after the last are read; flat memory means the growth does not grow with N."""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.doc_section import write_section  # noqa: E402
from bench.procstat import peak_rss_mib, rss_mib  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
RELEASES = 12
PAGE = 20  # the routes' page (app/ocds/routes.py PAGE)
HEADING = "## OCDS streams"


def story(ocid: str, n: int) -> tuple[list[dict], dict]:
    """A synthetic contracting process: RELEASES releases and a compiled release."""
    releases = [
        {
            "ocid": ocid,
            "id": f"{ocid}-{n}-{i}",
            "date": "2026-01-31T08:00:00Z",
            "tag": ["tenderUpdate"],
            "initiationType": "tender",
            "parties": [{"id": f"ID-SUPPLIER-{i}", "name": f"Supplier {i}", "roles": ["tenderer"]}],
            "tender": {"id": f"0x{n:064x}", "description": "x" * 700},
            "bids": {"details": [{"id": f"bid-{i}", "status": "valid", "value": {"amount": 10**9 + i}}]},
        }
        for i in range(RELEASES)
    ]
    compiled = {**releases[-1], "id": f"{ocid}-compiled", "tag": ["compiled"]}
    return releases, compiled


def fill(database: str, count: int) -> None:
    from sqlalchemy import insert

    from app.db.migrate import upgrade
    from app.db.session import make_engine
    from app.ocds.models import OcdsTender

    upgrade(database)
    engine = make_engine(database)
    with engine.begin() as connection:
        for start in range(0, count, 1000):
            rows = []
            for n in range(start, min(count, start + 1000)):
                ocid = f"ocds-terang-1001-bench-{n:06d}"
                releases, compiled = story(ocid, n)
                rows.append(
                    {
                        "ocid": ocid,
                        "position": (n + 1) * 1_000_000,
                        "tender_id": f"0x{n:064x}",
                        "last_block": n + 1,
                        "release_count": len(releases),
                        "releases": releases,
                        "compiled": compiled,
                    }
                )
            connection.execute(insert(OcdsTender), rows)
    engine.dispose()


def stream(database: str, which: str, queue) -> None:
    from app.db.session import make_engine, make_session_factory
    from app.ocds.packages import record_lines, release_lines

    sessions = make_session_factory(make_engine(database))
    lines = release_lines if which == "releases" else record_lines
    with sessions() as session:  # the engine's pool and first connection, as in a running gateway
        session.connection()
    before = rss_mib(multiprocessing.current_process().pid)
    start = time.perf_counter()
    count = size = 0
    for chunk in lines(sessions, PAGE):
        count += chunk.count("\n")
        size += len(chunk.encode())
    seconds = time.perf_counter() - start
    peak = peak_rss_mib()
    queue.put({"lines": count, "mib": size / 2**20, "seconds": seconds, "before": before, "peak": peak})


def measure(database: str, which: str) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=stream, args=(database, which, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ocids", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md")
    args = parser.parse_args()
    rows = []
    for count in sorted(args.ocids):
        with tempfile.TemporaryDirectory() as folder:
            database = f"sqlite:///{folder}/bench.db"
            started = time.perf_counter()
            fill(database, count)
            print(f"{count} ocids written in {time.perf_counter() - started:.0f} s", flush=True)
            for which in ("releases", "records"):
                result = measure(database, which)
                rows.append({"ocids": count, "stream": which, **result})
                print(rows[-1], flush=True)
    if not args.no_write:
        write_section(DOC, HEADING, table(rows, args.ocids))
    return 0


def table(rows: list[dict], requested: list[int]) -> str:
    lines = [
        HEADING,
        "",
        "Peak resident memory of the generators behind `/ocds/releases.jsonl` and `/ocds/records.jsonl`",
        "(app/ocds/packages.py, a read of 20 ocids per chunk) streaming a whole read model of synthetic",
        f"ocids ({RELEASES} releases, about 14 KiB an ocid), each in a fresh process, measured by",
        f"`.venv-app/bin/python bench/ocds_stream.py --ocids {' '.join(str(n) for n in sorted(requested))}`"
        " (written by the script, not by hand).",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, SQLite.",
        "",
        "| ocids | stream | lines | MiB out | seconds | RSS before (MiB) | peak RSS (MiB) | growth (MiB) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['ocids']:,} | {r['stream']}.jsonl | {r['lines']:,} | {r['mib']:,.0f} | {r['seconds']:.1f} "
            f"| {r['before']:.0f} | {r['peak']:.0f} | {r['peak'] - r['before']:.1f} |"
        )
    lines += [
        "",
        "Flat memory: the growth over the process's memory before the first line is the same at every",
        "size (one page of rows and its text at a time); only the time grows with the number of ocids.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
