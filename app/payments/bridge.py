"""The payment bridge: chain PaymentAuthorized -> outbox -> payout at the provider -> callback or
status check -> settle / fail on chain with the TREASURY signer. A batch instruction (welfare) is
paid line by line, its failed lines proven on chain before it is settled (app/payments/batches.py).

Runs inside the gateway (TERANG_PAYMENTS_BRIDGE_ENABLED=true) or as its own process:
`python -m app.payments.bridge`. Every step is in the outbox before it is acted on, so the process
may be killed at any point: a restart re-sends unconfirmed transactions, asks the provider again
with the same idempotency key, and reads the chain before recording an outcome. Run one bridge per
database (two would not pay twice — the provider deduplicates by key and the chain settles once —
but would do the work twice)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.indexer.node import Node
from app.keyring.keyring import keyring_for
from app.ledger.client import ChainClient
from app.ledger.reverts import ErrorDecoder
from app.ledger.signers import SignerRegistry, SignerUnavailable
from app.ledger.txmanager import TransactionManager
from app.payments import outbox
from app.payments.batches import complete_batches, open_batches, prove_failed_lines
from app.payments.follow import AuthorizationFollower
from app.payments.ledger import PaymentsLedger
from app.payments.providers import provider_from_settings
from app.payments.providers.base import Provider
from app.payments.steps import (
    ATTEMPTS,
    LINES,
    check_payouts,
    record_outcomes,
    request_payouts,
    undecided,
)

log = logging.getLogger("terang.payments")
TREASURY_SIGNER = "role:TREASURY"


@dataclass
class BridgeStatus:
    running: bool = False
    steps_total: int = 0
    errors_total: int = 0
    last_error: str | None = None


class Bridge:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        follower: AuthorizationFollower,
        provider: Provider,
        ledger: PaymentsLedger,
        batch: int = 500,
    ) -> None:
        self.settings, self.sessions, self.follower = settings, sessions, follower
        self.provider, self.ledger, self.batch = provider, ledger, batch
        self.pool = ThreadPoolExecutor(settings.payments_workers, thread_name_prefix="terang-payout")
        self.status = BridgeStatus()
        self.account_key = keyring_for(settings)  # opens payout accounts (app/keyring)

    def step(self) -> int:
        """One round of every kind of work; returns how much was done (0: idle)."""
        sessions, provider, pool, batch = self.sessions, self.provider, self.pool, self.batch
        workers = self.settings.payments_workers
        work = self.follower.step()
        batches = undecided(sessions, self.ledger, outbox.new_batches(sessions, 50))
        work += open_batches(sessions, self.follower.node, self.ledger, batches, self.follower.first_block)
        for payable in (ATTEMPTS, LINES):
            due = outbox.due_requests(sessions, batch, payable.model)
            if payable is ATTEMPTS:
                due = undecided(sessions, self.ledger, due)
            ids = [row.id for row in due]
            work += request_payouts(
                sessions,
                provider,
                self.account_key,
                pool,
                payable,
                ids,
                workers,
                self.settings.payments_provider_key_memory_seconds,
            )
        for payable in (ATTEMPTS, LINES):
            due = outbox.due_checks(
                sessions, self.settings.payments_status_check_seconds, batch, payable.model
            )
            work += check_payouts(sessions, provider, pool, payable, due, workers)
        work += complete_batches(sessions, self.ledger)
        work += record_outcomes(
            sessions,
            self.ledger,
            pool,
            outbox.outcomes(sessions, batch),
            lambda row: prove_failed_lines(sessions, self.ledger, row),
        )
        self.status.steps_total += 1
        return work

    def run(self, stop: threading.Event) -> None:
        self.status.running = True
        self.ledger.txmanager.rebroadcast_unconfirmed()
        failures = 0
        try:
            while not stop.is_set():
                try:
                    busy = self.step()
                    failures = 0
                except Exception as exc:  # keep going: the outbox says where we were
                    failures += 1
                    self.status.errors_total += 1
                    self.status.last_error = f"{type(exc).__name__}: {exc}"
                    log.warning("payment bridge step failed (%s); retrying", self.status.last_error)
                    stop.wait(min(30.0, self.settings.payments_poll_seconds * 2 ** min(failures, 6)))
                    continue
                if not busy:
                    stop.wait(self.settings.payments_poll_seconds)
        finally:
            self.status.running = False

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.provider.close()
        self.follower.node.close()


def build_bridge(
    settings: Settings,
    chain: ChainClient,
    sessions: sessionmaker[Session],
    txmanager: TransactionManager | None = None,
    signers: SignerRegistry | None = None,
) -> Bridge:
    manifest = chain.manifest
    payments = chain.contract("Payments")
    node = Node(chain.rpc, timeout=max(settings.rpc_timeout_seconds, 30.0))  # the node pool
    if txmanager is None:
        decoder = ErrorDecoder([c.abi for c in manifest.contracts.values()])
        txmanager = TransactionManager(
            chain.rpc, sessions, decoder, settings.confirmations, settings.receipt_timeout_seconds, 0.02
        )
    signers = signers or SignerRegistry(settings.signers_file)
    try:
        treasury = signers.get(TREASURY_SIGNER)
    except SignerUnavailable as exc:
        log.warning("payment bridge cannot record outcomes: %s", exc)
        treasury = None
    follower = AuthorizationFollower(
        node,
        sessions,
        payments.address,
        manifest.chain_id,
        manifest.contracts["Payments"].block_number,
        settings.confirmations,
    )
    ledger = PaymentsLedger(payments, node, txmanager, treasury)
    return Bridge(settings, sessions, follower, provider_from_settings(settings), ledger)


def relax_sqlite_sync(engine: Engine) -> None:
    """On SQLite, commit without fsync (WAL, synchronous=NORMAL): a commit survives the process
    being killed, only an OS crash or power loss may drop the last ones. Every bridge step is safe
    to redo from an earlier state (same idempotency key at the provider, chain read before acting),
    and fsync per commit would cap the bridge at a few payments per second."""
    if engine.dialect.name == "sqlite":
        event.listen(
            engine, "connect", lambda connection, _record: connection.execute("PRAGMA synchronous=NORMAL")
        )
        queue_sqlite_writers(engine)


def queue_sqlite_writers(engine: Engine, most_seconds: float = 30.0) -> None:
    """Makes this process's threads take turns with the database on a Python lock, held from
    connection checkout to checkin. Every transaction begins IMMEDIATE (app/db/session.py), so
    SQLite serves one at a time anyway; but a thread that finds its write lock taken waits in
    SQLite's busy handler, which sleeps in steps of up to 100 ms however soon the lock is free, and
    sixteen workers then spend most of their time asleep. Here they wake as soon as it is free. A
    thread that waited `most_seconds` goes on to SQLite's own waiting (never a deadlock); the lock
    is re-entrant, for a thread that opens a second session inside a first."""
    gate = threading.RLock()
    held = threading.local()

    def checkout(_dbapi, _record, _proxy) -> None:
        stack = held.__dict__.setdefault("stack", [])
        stack.append(gate.acquire(timeout=most_seconds))

    def checkin(_dbapi, _record) -> None:
        stack = held.__dict__.get("stack")
        if stack and stack.pop():
            gate.release()

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)


@dataclass
class BridgeThread:
    """The bridge inside the gateway process."""

    bridge: Bridge
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> BridgeThread:
        self._thread = threading.Thread(
            target=self.bridge.run, args=(self._stop,), name="terang-bridge", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.bridge.close()


def main() -> int:
    from app import logs
    from app.config import check_deployment, settings_or_refusal, warn_development
    from app.db.migrate import upgrade
    from app.db.session import make_engine, make_session_factory
    from app.keyring.providers import KeyringError
    from app.ledger.client import ChainUnavailable, connect
    from app.protocol.manifest import ManifestError

    # its secrets (payout key, provider credentials) and an https provider outside local/test on loopback
    settings = settings_or_refusal("bridge", "payment bridge")
    if settings is None:
        return 2
    logs.configure(settings.log_level)  # httpx (a line per provider request) held at WARNING there
    warn_development(check_deployment(settings, "bridge"), "payment bridge")
    try:  # payout accounts open with the keyring: outside local/test a provisioned file
        keyring_for(settings)
    except KeyringError as exc:
        print(f"payment bridge: {exc}", file=sys.stderr)
        return 2
    try:
        chain = connect(settings)
    except (ChainUnavailable, ManifestError) as exc:
        print(f"payment bridge: {exc}", file=sys.stderr)
        return 2
    if settings.environment != "production":
        upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    relax_sqlite_sync(engine)
    chain.rpc.start(settings.node_probe_seconds)  # every node checked; calls fail over
    bridge = build_bridge(settings, chain, make_session_factory(engine))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    log.info("payment bridge: provider %r, chain %d", bridge.provider, chain.manifest.chain_id)
    bridge.run(stop)
    bridge.close()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
