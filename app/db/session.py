"""Engine and session factory for the configured database."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# SQLite engines: one lock per engine, so this process's writers queue in order instead of each
# polling SQLite's lock with its busy handler's growing sleeps (see write_transaction).
_TURNS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
# Execution option marking a read-only engine view (make_read_session_factory).
READ_ONLY = "terang_read_only"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: an error's text (logged, shown in /health) never carries the values of a statement
        # pool_size: as many kept connections as the routes' worker threads (anyio's 40). With
        # SQLAlchemy's default five, concurrent reads opened and closed overflow connections per
        # request, each with a cold page cache: a 1.4 MiB OCDS page cost 15 times its sequential
        # CPU under 32 clients (docs/performance.md, Reads with history).
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            pool_size=40,
            max_overflow=10,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself (below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            # SQLite has no row locks: take the write lock when a transaction starts, so a
            # read-then-write (nonce allocation, idempotency claims) is serialised across processes.
            # Read-only sessions (make_read_session_factory) begin deferred: under WAL they read a
            # snapshot beside the writer and never queue for (or hold) the write lock.
            if connection.get_execution_options().get(READ_ONLY):
                connection.exec_driver_sql("BEGIN")
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        _TURNS[engine] = threading.Lock()
        if database and database != ":memory:":
            # Into WAL mode now, on one connection: switching needs SQLite's exclusive lock, and a
            # connection switching while another holds the write lock (BEGIN IMMEDIATE) is refused
            # at once, busy timeout or not ("database is locked": seen when the first connections
            # of a fresh file raced). Once the file is in WAL mode, the pragma takes no lock.
            with engine.connect():
                pass
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True)
    event.listen(engine, "handle_error", _without_values)
    return engine


def _without_values(context) -> None:
    """PostgreSQL's DETAIL repeats the values of a refused row ("Key (principal, key)=(...) already
    exists"): the error keeps the server's primary message only, so no value reaches a log line."""
    original = context.original_exception
    diag = getattr(original, "diag", None)
    if diag is not None and diag.message_detail:
        original.args = (diag.message_primary or type(original).__name__,)
        wrapped = context.sqlalchemy_exception  # its message was built from the original's text
        if wrapped is not None:
            kind = type(original)
            wrapped.args = (f"({kind.__module__}.{kind.__name__}) {original.args[0]}", *wrapped.args[1:])


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for public reads (explorer, OCDS, red flags, histories): on SQLite their
    transactions begin deferred, so a reader never takes the database's one write lock and a page,
    however slow, never stalls a write. Nothing stops such a session from writing: it would then
    ask for the lock mid-transaction and may fail with "database is locked"; use the ordinary
    factory (or write_transaction) for anything that writes."""
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


def engine_of(sessions: sessionmaker[Session]) -> Engine:
    """The engine a session factory is bound to (for Core statements on a plain connection)."""
    return sessions.kw["bind"]


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """`engine.begin()` for the write path's short transactions. On SQLite, whose write lock is one
    per database, this process's writers first take turns on a lock of their own: a waiting
    thread is woken as soon as the previous one is done, where SQLite's busy handler would have it
    sleep and poll (1, 2, 5, ... up to 100 ms). Other processes still meet at SQLite's lock."""
    turn = _TURNS.get(engine)
    if turn is None:
        with engine.begin() as connection:
            yield connection
        return
    with turn, engine.begin() as connection:
        yield connection
