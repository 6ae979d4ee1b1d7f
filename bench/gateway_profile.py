"""Where a gateway request's time goes: the route functions called in-process, one request after the
other (no HTTP, no concurrency), first plainly timed, then under cProfile, whose cumulative times of
a few known functions are reported per request (cProfile's clock is the wall clock, so time spent
waiting for anvil or for SQLite's fsync counts; the profiler's own overhead inflates the share of
pure-Python work)."""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
import uuid
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from app.api.writes import Writer
from app.auth.tokens import Principal
from app.config import Settings
from app.main import create_app
from app.suppliers.routes import supplier_record
from app.tenders.routes import relay_commit, tender_record
from app.tenders.schemas import SignedCommit

# (label, file suffix, function name) as cProfile names them
WATCHED = [
    ("JSON-RPC requests through web3.py (reads)", "web3/providers/rpc/rpc.py", "make_request"),
    ("JSON-RPC requests in plain JSON-RPC (writes)", "app/ledger/rpc.py", "call"),
    ("web3 contract objects built (ChainClient.contract)", "app/ledger/client.py", "contract"),
    ("contract calls: encode, eth_call, decode", "web3/contract/utils.py", "call_contract_function"),
    ("calldata encoding (app/ledger/calldata.py)", "app/ledger/calldata.py", "calldata"),
    ("simulation for gas and errors (eth_createAccessList)", "app/ledger/txmanager.py", "_gas_limit"),
    ("transaction signing (app/ledger/signing.py)", "app/ledger/signing.py", "sign"),
    ("database commits (SQLite, fsync)", "~", "<method 'commit' of 'sqlite3.Connection' objects>"),
    ("receipt event decoding", "web3/contract/base_contract.py", "process_receipt"),
]


def breakdown(run: Callable[[int], object], count: int) -> dict:
    """Times `run(i)` for i in [0, count) plainly (the median, which a stray pause of this shared
    machine does not move), then runs i in [count, 2 count) under cProfile."""
    times = []
    for i in range(count):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    plain_ms = 1000 * statistics.median(times)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(count, 2 * count):
        run(i)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    total = max(ct for (_, _, name), (_, _, _, ct, _) in stats.items() if name == "run_one") / count
    parts = []
    for label, suffix, function in WATCHED:
        calls = cumulative = 0.0
        for (file, _, name), (_, ncalls, _, ct, callers) in stats.items():
            if name == function and file.endswith(suffix):
                # count only outermost calls (a recursive or wrapped function is not counted twice)
                outer = {k: v for k, v in callers.items() if not (k[2] == function and k[0].endswith(suffix))}
                calls += sum(v[1] for v in outer.values()) if outer else ncalls
                cumulative += ct
        if calls:
            parts.append(
                {
                    "what": label,
                    "calls": calls / count,
                    "ms": 1000 * cumulative / count,
                    "share": cumulative / count / total,
                }
            )
    return {"plain_ms": plain_ms, "profiled_ms": 1000 * total, "parts": parts}


def reads(settings: Settings, ocid: str, supplier_id: int, count: int = 200) -> dict:
    app = create_app(settings.model_copy(update={"indexer_enabled": False, "read_cache_poll_seconds": 0}))
    with TestClient(app):
        chain = app.state.chain
        results = {}
        for name, call in (
            ("GET /tenders/{ocid}", lambda: tender_record(chain, ocid)),
            ("GET /suppliers/{id}", lambda: supplier_record(chain, supplier_id)),
        ):

            def run_one(_: int, call=call) -> object:
                return call()

            run_one(0)  # warm caches (ABI parsing, connections)
            results[name] = breakdown(run_one, count)
    return results


def relayed_bids(settings: Settings, bids: list, supplier_id: int, count: int) -> dict:
    """`bids` (one supplier's, in nonce order, at least 2 count + 1) relayed one after the other."""
    app = create_app(settings.model_copy(update={"indexer_enabled": False}))
    principal = Principal(subject=f"supplier-{supplier_id}", supplier=supplier_id)
    with TestClient(app):

        def run_one(i: int) -> object:
            bid = bids[i + 1]
            return relay(app, principal, bid)

        relay(app, principal, bids[0])  # warm caches
        return {"POST /tenders/{ocid}/bids/commitments": breakdown(run_one, count)}


def relay(app: FastAPI, principal: Principal, bid) -> object:
    path = f"/tenders/{bid.ocid}/bids/commitments"
    scope = {"type": "http", "method": "POST", "path": path, "query_string": b"", "headers": [], "app": app}
    write = Writer(app.state.writes, principal.key, "POST", path, str(uuid.uuid4()))
    body = SignedCommit(**bid.body)
    answer = relay_commit(Request(scope), bid.ocid, body, principal, app.state.chain, write)
    # The write runs on the write path's threads (an AwaitedWrite): wait for it, as the endpoint does,
    # so the next bid (the supplier's next nonce) follows a mined one and its time counts.
    written = answer._future.result(timeout=120)
    if written.status_code != 201:
        raise RuntimeError(f"relay refused: {written.status_code} {written.body}")
    return written
