"""Per-client rate limits on public reads: a token bucket per client address, in this process.

What is limited: GET and HEAD requests (the explorer's pages, the OCDS publication, the public
reads of the API) from clients without a valid bearer token. Not limited: writes (they carry a
token and have their own capacity limit, app/api/writes.py), reads with a token that verifies,
/health, /metrics and the explorer's static files. A request over its client's budget is answered
429 `rate_limited` with Retry-After before the application runs, so it costs no database work.

The client is the connection's peer address. Behind a reverse proxy every request would come from
the proxy; `rate_limit_trusted_proxies` names the proxies whose X-Forwarded-For is believed (its
rightmost address that is not itself a trusted proxy). Nothing else is taken from the headers, so a
client cannot choose a fresh bucket by sending X-Forwarded-For itself (uvicorn's own proxy-header
handling is off, app/__main__.py, for the same reason).

Each gateway process keeps its own buckets: N processes behind a balancer allow up to N times the
rate. Buckets idle long enough to be full again are forgotten, so memory follows active clients."""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from app.api.problems import problem

EXEMPT_PREFIXES = ("/health", "/metrics", "/explorer/static/")
LIMITED_METHODS = frozenset({"GET", "HEAD"})
MAX_CLIENTS = 100_000  # buckets kept at most; the least recently used go first


class TokenBuckets:
    """`rate` tokens per second up to `burst` per key; take() spends one or says how long to wait."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 if the request may go ahead, else the seconds until a token is there."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1 - tokens) / self.rate
            self._forget(now)
        return wait

    def _forget(self, now: float) -> None:
        full_after = self.burst / self.rate
        while self._buckets:
            key, (_, at) = next(iter(self._buckets.items()))
            if len(self._buckets) <= MAX_CLIENTS and now - at < full_after:
                break
            del self._buckets[key]


def _networks(entries: Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip()]


class ClientAddress:
    """The address a request is counted against: its peer, or (behind a trusted proxy only) the
    rightmost X-Forwarded-For address that is not a trusted proxy."""

    def __init__(self, trusted_proxies: Iterable[str]) -> None:
        self.trusted = _networks(trusted_proxies)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def of(self, scope) -> str:
        peer = (scope.get("client") or ("unknown", 0))[0]
        if not self.trusted or not self._is_trusted(peer):
            return peer
        forwarded = [
            value.decode("latin-1") for name, value in scope["headers"] if name == b"x-forwarded-for"
        ]
        hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                return hop
        return peer


class RateLimitMiddleware:
    def __init__(self, app, rate: float, burst: int, trusted_proxies: Iterable[str] = ()) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate, burst)
        self.clients = ClientAddress(trusted_proxies)

    async def __call__(self, scope, receive, send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in LIMITED_METHODS
            or scope["path"].startswith(EXEMPT_PREFIXES)
            or await _verified(scope)
        ):
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(self.clients.of(scope))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        seconds = max(1, math.ceil(wait))
        response = problem(
            request,
            429,
            "rate_limited",
            detail=f"too many requests from this address; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )
        await response(scope, receive, send)


async def _verified(scope) -> bool:
    """A request whose bearer token verifies (an authenticated caller) is not counted. Verified on
    a worker thread: a JWKS verifier may fetch its provider's keys."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            verifier = getattr(scope["app"].state, "verifier", None) if "app" in scope else None
            if scheme.lower() != "bearer" or not token or verifier is None:
                return False
            try:
                await run_in_threadpool(verifier.verify, token.strip())
            except Exception:  # any refusal (bad token, provider down) counts as anonymous
                return False
            return True
    return False


def install_rate_limits(app: FastAPI, rate: float, burst: int, trusted_proxies: Iterable[str] = ()) -> None:
    """Limits on (rate > 0); rate 0 turns them off (a gateway behind a limiting proxy)."""
    if rate > 0:
        app.add_middleware(RateLimitMiddleware, rate=rate, burst=burst, trusted_proxies=list(trusted_proxies))
