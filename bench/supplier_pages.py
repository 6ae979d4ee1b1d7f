"""Milliseconds per supplier-page query on a synthetic SQLite history: the functions that rebuild
from every event (queries.suppliers, queries.supplier_history: what the pages read before the
supplier read model) against the read model (queries.supplier_page, stored_supplier_history), and
what one further batch with one bid costs the projection. No chain, no server: chain_events rows
are inserted directly (N suppliers registered and verified; T tenders, each with 3 bids committed
and revealed and an award), the read models are built once, and each query's figure is the median
of 7 runs in fresh sessions. The rebuilt and stored answers are checked equal first.

    .venv-app/bin/python bench/supplier_pages.py [SUPPLIERS] [TENDERS]   (default 1000 1000)"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from app.db.migrate import upgrade  # noqa: E402
from app.db.session import make_engine, make_session_factory  # noqa: E402
from app.explorer import queries  # noqa: E402
from app.explorer.projection import ReadModels  # noqa: E402
from app.indexer.models import ChainEvent, IndexedBlock, IndexerCursor  # noqa: E402
from app.indexer.store import CURSOR  # noqa: E402


def block_hash(n: int) -> str:
    return f"0x{n:064x}"


class History:
    """chain_events rows, one event per block."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.block = 0

    def add(self, contract: str, event: str, topic1: str, args: dict) -> None:
        self.block += 1
        self.rows.append(
            {
                "block_number": self.block,
                "block_hash": block_hash(self.block),
                "block_timestamp": 1_700_000_000 + self.block,
                "log_index": 0,
                "tx_hash": block_hash(self.block + 10**9),
                "tx_index": 0,
                "contract": contract,
                "address": "0x" + "11" * 20,
                "event": event,
                "topic1": topic1,
                "args": args,
            }
        )

    def store(self, sessions) -> None:
        """The rows and the cursor at the last block, as an indexer batch leaves them."""
        with sessions.begin() as session:
            session.execute(insert(ChainEvent), self.rows)
            session.add(IndexedBlock(number=self.block, hash=block_hash(self.block), timestamp=None))
            cursor = session.get(IndexerCursor, CURSOR)
            if cursor is None:
                session.add(
                    IndexerCursor(
                        name=CURSOR,
                        chain_id=31337,
                        block_number=self.block,
                        block_hash=block_hash(self.block),
                    )
                )
            else:
                cursor.block_number, cursor.block_hash = self.block, block_hash(self.block)
        self.rows = []


def median_ms(sessions, query, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        with sessions() as session:
            start = time.perf_counter()
            query(session)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    suppliers = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    tenders = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    history = History()
    for s in range(1, suppliers + 1):
        topic = block_hash(s)
        registered = {"supplierId": s, "agencyId": 1001, "umkm": s % 3 == 0, "regionCode": 6302}
        history.add("SupplierRegistry", "SupplierRegistered", topic, registered)
        verified = {"supplierId": s, "agencyId": 1001, "officer": "0x" + "22" * 20}
        history.add("SupplierRegistry", "SupplierVerified", topic, verified)
    for t in range(tenders):
        tender = block_hash(t + 5 * 10**6)
        bidders = [(t * 7 + k * 13) % suppliers + 1 for k in range(3)]
        for s in bidders:
            history.add("Tenders", "BidCommitted", tender, {"tenderId": tender, "supplierId": s})
        for s in bidders:
            history.add(
                "Tenders", "BidRevealed", tender, {"tenderId": tender, "supplierId": s, "price": 10**9 + s}
            )
        award = {"tenderId": tender, "supplierId": bidders[0], "value": 10**9 + bidders[0]}
        history.add("Tenders", "TenderAwarded", tender, award)
    events = len(history.rows)
    history.store(sessions)
    start = time.perf_counter()
    with sessions.begin() as session:
        ReadModels().catch_up(session)
    built = (time.perf_counter() - start) * 1000

    target = suppliers // 2
    with sessions() as session:
        assert queries.supplier_page(session, 1, 10**6)[0] == queries.suppliers(session)
        rebuilt, stored = (
            queries.supplier_history(session, target),
            queries.stored_supplier_history(session, target),
        )
        assert [e.id for e in rebuilt.pop("events")] == [e.id for e in stored.pop("events")]
        assert rebuilt == stored
    print(f"{suppliers} suppliers, {tenders} tenders, {events} events; read models built in {built:.0f} ms")
    figures = {
        "list, before (queries.suppliers, every row)": queries.suppliers,
        "list, after (supplier_page, 50 rows)": lambda s: queries.supplier_page(s, 1, 50),
        "list, after (supplier_page, every row)": lambda s: queries.supplier_page(s, 1, 10**6),
        "supplier, before (supplier_history)": lambda s: queries.supplier_history(s, target),
        "supplier, after (stored_supplier_history)": lambda s: queries.stored_supplier_history(s, target),
    }
    for label, query in figures.items():
        print(f"  {label:45} {median_ms(sessions, query):8.1f} ms")

    tender = block_hash(9 * 10**6)
    history.add("Tenders", "BidCommitted", tender, {"tenderId": tender, "supplierId": target})
    history.store(sessions)
    with sessions.begin() as session:
        start = time.perf_counter()
        ReadModels().catch_up(session)
        print(
            f"  {'one more batch with one bid (catch_up)':45} {(time.perf_counter() - start) * 1000:8.1f} ms"
        )
    with sessions() as session:
        assert queries.supplier_page(session, 1, 10**6)[0] == queries.suppliers(session)


if __name__ == "__main__":
    main()
