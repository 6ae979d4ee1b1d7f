"""Reorg: the local chain is reverted under a running indexer and rebuilt with a different history
(other events at the same heights); the database converges to the new canonical history."""

from __future__ import annotations

import threading
import time

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from tests.gateway import test_indexer as base
from tests.gateway.test_indexer import make_indexer, rows, run_to_head, tender_events

# the same module fixtures as the indexer tests
manifest, scenario, sessions = base.manifest, base.scenario, base.sessions

BEFORE, AFTER = "ocds-terang-1001-2025-reorg-a", "ocds-terang-1001-2025-reorg-b"


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_database_converges_to_the_new_canonical_history(
    chain_url, manifest, scenario, sessions, tmp_path
):
    scenario.suppliers()  # registered before the fork, so both histories have them
    outer = scenario.rpc("evm_snapshot")
    indexer = make_indexer(chain_url, sessions, manifest)
    stop = threading.Event()
    thread = threading.Thread(target=indexer.run, args=(stop, 0.05), daemon=True)
    thread.start()
    try:
        fork = scenario.rpc("evm_snapshot")
        fork_height = scenario.w3.eth.block_number
        scenario.tender(BEFORE, {16: 1_800_000_000, 17: 1_700_000_000})
        head = scenario.w3.eth.block_number
        wait_until(lambda: indexer.status.cursor == head)
        old = {e.block_number: e.event for e in tender_events(sessions, BEFORE)}
        assert len(old) >= 10

        scenario.rpc("evm_revert", [fork])
        assert scenario.w3.eth.block_number == fork_height
        scenario.tender(AFTER, {17: 1_750_000_000, 18: 1_650_000_000}, amend=False, objection=False)
        while scenario.w3.eth.block_number < head + 2:  # the new history is also the longer one
            scenario.rpc("evm_mine")
        new_head = scenario.w3.eth.block_number
        wait_until(lambda: indexer.status.cursor == new_head and indexer.status.reorgs_total >= 1)
        stop.set()
        thread.join(10)
        # a fresh indexer over the canonical chain stores exactly what the reorged one now has
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        upgrade(url)
        fresh = make_indexer(chain_url, make_session_factory(make_engine(url)), manifest)
        run_to_head(fresh)
        assert rows(sessions) == rows(fresh.sessions)
    finally:
        stop.set()
        thread.join(10)
        scenario.rpc("evm_revert", [outer])  # leave the shared chain as this test found it

    assert indexer.status.rolled_back_events_total >= len(old)
    assert tender_events(sessions, BEFORE) == []
    new = {e.block_number: e.event for e in tender_events(sessions, AFTER)}
    assert set(new) & set(old), "the new history has events at heights the old one used"
