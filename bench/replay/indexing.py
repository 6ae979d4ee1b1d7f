"""Catch-up of the whole replay by the real indexer, in a fresh process (its memory is its own), into
the gateway's database with the gateway's read models kept in the same transactions; resident memory
sampled over the catch-up to show whether it stays flat."""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from pathlib import Path

from sqlalchemy import create_engine, text

SAMPLES = 20


def _rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _catch_up(url: str, manifest_file: str, database: str, expected: int, queue) -> None:
    from app.db.migrate import upgrade
    from app.db.session import make_engine, make_session_factory
    from app.explorer.projection import ReadModels
    from app.indexer.follower import Indexer
    from app.indexer.node import Node
    from app.protocol.manifest import load_manifest

    upgrade(database)
    engine = make_engine(database)
    indexer = Indexer(
        Node(url, timeout=120),
        make_session_factory(engine),
        load_manifest(manifest_file),
        projections=[ReadModels()],
    )
    step = max(expected // SAMPLES, 1)
    samples, next_sample = [], step
    start = time.perf_counter()
    while True:
        indexer.step()
        if indexer.status.events_total >= next_sample:
            samples.append((indexer.status.events_total, _rss_kib()))
            next_sample += step
        if indexer.caught_up():
            break
    seconds = time.perf_counter() - start
    samples.append((indexer.status.events_total, _rss_kib()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    engine.dispose()
    queue.put(
        {
            "events": indexer.status.events_total,
            "seconds": seconds,
            "peak_kib": peak,
            "samples": samples,
            "batches": indexer.status.batches_total,
        }
    )


def catch_up(url: str, manifest_file: Path, database: str, expected: int) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_catch_up, args=(url, str(manifest_file), database, expected, queue))
    child.start()
    result = queue.get()
    child.join()
    if child.exitcode:
        raise RuntimeError(f"the indexer's catch-up process exited with {child.exitcode}")
    result["database_mib"] = database_mib(database)
    return result


def database_mib(database: str) -> float:
    if database.startswith("sqlite:///"):
        path = Path(database.removeprefix("sqlite:///"))
        files = [path, path.with_name(path.name + "-wal")]
        return sum(f.stat().st_size for f in files if f.exists()) / 2**20
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return connection.execute(text("select pg_database_size(current_database())")).scalar() / 2**20
    finally:
        engine.dispose()


def table_counts(database: str, tables: tuple[str, ...]) -> dict[str, int]:
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return {t: connection.execute(text(f"select count(*) from {t}")).scalar() for t in tables}  # noqa: S608
    finally:
        engine.dispose()
