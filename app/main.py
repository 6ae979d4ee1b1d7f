"""The FastAPI application: routers assembled in one place; the chain client, database, token
verifier, signers and transaction manager owned by the lifespan."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import docs as api_docs
from app.api.limits import install_body_limits
from app.api.openapi import install_openapi
from app.api.problems import install_problem_handlers
from app.api.ratelimit import install_rate_limits
from app.api.read_admission import ReadAdmissionMiddleware
from app.api.request_id import RequestIdMiddleware
from app.api.security_headers import SecurityHeadersMiddleware
from app.auth import devlogin
from app.auth.tokens import TokenVerifier
from app.catalogue import routes as catalogue
from app.committee import routes as committee
from app.config import Settings, check_deployment, get_settings, warn_development
from app.db.migrate import upgrade
from app.db.session import make_engine, make_read_session_factory, make_session_factory
from app.documents import routes as documents
from app.documents.store import LocalDocumentStore
from app.escrows import routes as escrows
from app.explorer import routes as explorer
from app.explorer import welfare_complaint as explorer_welfare_complaint
from app.explorer import welfare_status as explorer_welfare_status
from app.explorer.cached_pages import CachedPagesMiddleware
from app.explorer.page_cache import PageCache
from app.explorer.projection import ReadModelFollower, ReadModels
from app.health import metrics
from app.health import routes as health
from app.health.head import ChainHead
from app.health.http_metrics import HttpMetrics, HttpMetricsMiddleware
from app.indexer.service import IndexerThread
from app.instructions import routes as instructions
from app.ledger.client import ChainClient, connect
from app.ledger.retention import RetentionThread
from app.ledger.reverts import ErrorDecoder
from app.ledger.signers import SignerRegistry
from app.ledger.txmanager import TransactionManager
from app.ledger.writes import WritePath
from app.ocds import routes as ocds
from app.officials import routes as officials
from app.officials.keys import check_signers
from app.onboarding import routes as onboarding
from app.operations import routes as operations
from app.payments import routes as payments
from app.payments.metrics import BridgeCollector
from app.payments.runtime import start_payments
from app.plans import routes as plans
from app.policies import routes as policies
from app.portal import account as portal_account
from app.portal import bids as portal_bids
from app.portal import contracts as portal_contracts
from app.portal import evidence as portal_evidence
from app.portal import keys as portal_keys
from app.portal import objections as portal_objections
from app.portal import routes as portal
from app.sikap import routes as sikap
from app.suppliers import key_rotation as supplier_key_rotation
from app.suppliers import routes as suppliers
from app.tenders import managed_bids, pokja_routes
from app.tenders import routes as tenders
from app.tkdn import routes as tkdn
from app.welfare import grievance_routes as welfare_grievances
from app.welfare import notice_routes as welfare_notices
from app.welfare import overlap_routes as welfare_overlaps
from app.welfare import routes as welfare
from app.welfare import status_routes as welfare_status
from app.welfare.notice_runner import NoticeThread

ROUTERS = (
    health.router,
    metrics.router,
    suppliers.router,
    supplier_key_rotation.router,
    tkdn.router,
    policies.router,
    plans.router,
    sikap.router,
    tenders.router,
    pokja_routes.router,
    managed_bids.router,
    catalogue.router,
    ocds.router,
    escrows.router,
    welfare.router,
    welfare_status.router,
    welfare_notices.router,
    welfare_overlaps.router,
    welfare_grievances.router,
    committee.router,
    committee.acts_router,
    officials.router,
    onboarding.router,
    operations.router,
    documents.router,
    instructions.router,
    payments.router,
    explorer_welfare_status.router,
    explorer_welfare_complaint.router,
    explorer.router,
    explorer.root,
    portal.router,
    portal_account.router,
    portal_keys.router,
    portal_bids.router,
    portal_objections.router,
    portal_evidence.router,
    portal_contracts.router,
    devlogin.router,
)


_frozen = False


def freeze_what_is_loaded() -> None:
    """Once per process: what is loaded by the first start (libraries, ABIs, templates, schemas)
    lives as long as the process, so it goes out of the garbage collector's sight and a full
    collection scans only what was made since. Under read load a full collection came every few
    tenths of a second and took 130-170 ms over this heap: most of the reads' p99
    (docs/performance.md, Reads with history)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def create_app(settings: Settings | None = None, chain: ChainClient | None = None) -> FastAPI:
    settings = settings or get_settings()
    # development secrets only in local/test on loopback (`python -m app` refuses before this, in one line)
    warn_development(check_deployment(settings, "gateway"))
    check_signers(settings)  # no shared key for people's acts outside local/test (app/officials)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.chain = chain or connect(settings)
        if settings.environment != "production":
            upgrade(settings.database_url)  # production runs `python -m app.db.migrate` once per release
        engine = make_engine(settings.database_url)
        app.state.sessions = make_session_factory(engine)
        app.state.read_sessions = make_read_session_factory(engine)  # public reads: no write lock
        app.state.verifier = TokenVerifier.from_settings(settings)
        app.state.signers = SignerRegistry(settings.signers_file)
        app.state.documents = LocalDocumentStore(settings.documents_dir)
        decoder = ErrorDecoder([c.abi for c in app.state.chain.manifest.contracts.values()])
        app.state.chain.start_reads(settings.read_cache_poll_seconds)
        # The consortium's nodes, probed from now on (app/ledger/nodes.py); /metrics and the command
        # centre read their states, /health its latest block (app/health/head.py).
        app.state.nodes = app.state.chain.rpc.start(settings.node_probe_seconds)
        app.state.head = ChainHead(app.state.nodes)
        reads = app.state.chain.reads
        app.state.txmanager = TransactionManager(
            app.state.chain.rpc,
            app.state.sessions,
            decoder,
            settings.confirmations,
            settings.receipt_timeout_seconds,
            on_confirmed=reads.observe if reads is not None else None,
        )
        app.state.txmanager.rebroadcast_unconfirmed()
        app.state.writes = WritePath(
            app.state.sessions,
            app.state.txmanager,
            app.state.signers,
            settings.idempotency_wait_seconds,
            capacity=settings.write_capacity,
        )
        # Read models (explorer, OCDS, red flags) kept in the indexer's transactions; the follower
        # brings them up at start, and keeps them up when the indexer runs as its own process.
        app.state.read_models = ReadModelFollower(
            engine,
            None if settings.indexer_enabled else settings.indexer_poll_seconds,
            settings.redflag_cross_seconds,
        ).start()
        projections = [ReadModels(settings.redflag_cross_seconds)]
        app.state.indexer = (
            IndexerThread(
                settings, app.state.chain.manifest, projections=projections, nodes=app.state.nodes
            ).start()
            if settings.indexer_enabled
            else None
        )
        app.state.payments = start_payments(
            settings, app.state.chain, app.state.sessions, app.state.txmanager, app.state.signers
        )
        # /metrics collectors from layers app/health does not import (app/health/metrics.py)
        app.state.collectors = [BridgeCollector(app.state.sessions)]
        # Old idempotency records and confirmed transactions purged (app/ledger/retention.py).
        app.state.retention = RetentionThread(
            app.state.sessions, settings.retention_days, settings.retention_interval_seconds
        ).start()
        # Notices to families from the indexed welfare and payment events (app/welfare/notices.py).
        app.state.notices = (
            NoticeThread(settings, app.state.sessions).start() if settings.welfare_notices_enabled else None
        )
        freeze_what_is_loaded()
        yield
        if app.state.notices is not None:
            app.state.notices.stop()
        app.state.retention.stop()
        app.state.payments.stop()
        if app.state.indexer is not None:
            app.state.indexer.stop()
        app.state.read_models.stop()
        app.state.writes.close()
        app.state.head.close()
        app.state.chain.stop_reads()
        app.state.nodes.stop()
        engine.dispose()

    app = FastAPI(
        title="Terang gateway",
        summary="Indonesian public procurement and social assistance on an EVM chain",
        version="0.1.0",
        lifespan=lifespan,
        # operation ids are the endpoints' names (unique), so generated clients read like the domain
        generate_unique_id_function=lambda route: route.name,
        # /docs is Swagger UI served from the gateway's own files (app/api/docs.py), no ReDoc
        docs_url=None,
        redoc_url=None,
    )
    install_problem_handlers(app)
    install_openapi(app)
    # innermost: a few reads at a time inside the routes, the others queued in arrival order
    app.add_middleware(ReadAdmissionMiddleware, slots=settings.read_slots)
    # then the page cache: a hit never queues; it still passes the rate limits, and gets its
    # request id and headers
    app.state.page_cache = PageCache(
        settings.page_cache_entries,
        settings.page_cache_bytes,
        settings.read_cache_poll_seconds,
        max_entry_bytes=settings.page_cache_entry_bytes,
    )
    app.add_middleware(CachedPagesMiddleware, cache=app.state.page_cache)
    # bodies over the limit are refused before they are read (inside the request id, so the 413 has one)
    install_body_limits(
        app, settings.max_body_bytes, settings.max_callback_body_bytes, settings.documents_max_bytes
    )
    # anonymous reads over their client's budget: 429 before any work (inside the request id)
    install_rate_limits(
        app, settings.rate_limit_per_second, settings.rate_limit_burst, settings.rate_limit_trusted_proxies
    )
    app.add_middleware(RequestIdMiddleware)  # X-Request-ID, and request_id on every log line
    app.add_middleware(SecurityHeadersMiddleware)  # nosniff, CSP, no framing: on every response
    # outermost: every request counted and timed by its route's template (app/health/http_metrics.py)
    app.state.http_metrics = HttpMetrics()
    app.add_middleware(HttpMetricsMiddleware, metrics=app.state.http_metrics)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(api_docs.router)
    return app
