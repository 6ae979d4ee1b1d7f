"""Public reads never take SQLite's write lock (app/db/session.py): a page's transaction, however
long, runs on a WAL snapshot beside the writer instead of queueing writes behind it."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from app.db.session import make_engine, make_read_session_factory, write_transaction


def test_a_reader_mid_page_holds_no_write_lock(tmp_path):
    """A public page's transaction (make_read_session_factory) is open while a write commits."""
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    with write_transaction(engine) as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    done = threading.Event()

    def write() -> None:
        with write_transaction(engine) as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (2)")
        done.set()

    with make_read_session_factory(engine)() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1  # the page is reading
        started = time.monotonic()
        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        assert done.wait(5), "the write waited for a reader's transaction"
        assert time.monotonic() - started < 1
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1  # its own snapshot
    writer.join()
    engine.dispose()
