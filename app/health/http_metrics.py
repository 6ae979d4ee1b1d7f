"""Requests served, as Prometheus metrics: `terang_http_requests_total{method,route,status}` and
`terang_http_request_duration_seconds{method,route}` (a histogram).

`route` is the matched route's template (`/tenders/{ocid}`), never the raw path, so the series
stay bounded whatever callers ask for; a path no route matches is "other", a method outside the
usual ones too. A response the router never saw (a cached explorer page, a 429 or 413 answered
before routing) is matched against the templates this process has routed to so far (a cached page
was rendered through its route first), once per distinct path (remembered, within a bound); a path
of no template seen yet is "other".

A plain ASGI middleware, outermost, so the time covers every other middleware. It runs only on the
event loop's thread: the tallies are plain dicts, no locks; the collector, in a worker thread,
copies them (a dict or list copy is one step under the GIL) before it reads them."""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.routing import compile_path

from app.health.worker_metrics import share_of

# Seconds. Reads take milliseconds; writes wait for their transaction's receipt (seconds on a
# network with block times, up to the receipt timeout).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER = "other"
REMEMBERED_PATHS = 4096


class HttpMetrics:
    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, str], int] = {}
        # (method, route) -> [count per bucket (the last one +Inf)..., sum of seconds]
        self.durations: dict[tuple[str, str], list[float]] = {}
        # templates routed to so far, static ones first (`/tenders/export` before `/tenders/{ocid}`)
        self._templates: list[tuple[str, re.Pattern]] = []
        self._known: set[str] = set()
        self._paths: dict[str, str] = {}  # raw path -> template, for responses the router never saw

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, str(status))
        self.requests[key] = self.requests.get(key, 0) + 1
        tally = self.durations.get((method, route))
        if tally is None:
            tally = self.durations[(method, route)] = [0] * (len(BUCKETS) + 1) + [0.0]
        tally[bisect_left(BUCKETS, seconds)] += 1
        tally[-1] += seconds

    def route_of(self, scope) -> str:
        route = scope.get("route")
        if route is not None:
            template = getattr(route, "path", None)
            if template is None:
                return OTHER
            if template not in self._known:
                self._learn(template)
            return template
        path = scope["path"]
        template = self._paths.get(path)
        if template is None:
            template = next((t for t, regex in self._templates if regex.fullmatch(path)), OTHER)
            if len(self._paths) >= REMEMBERED_PATHS:
                self._paths.clear()
            self._paths[path] = template
        return template

    def _learn(self, template: str) -> None:
        self._known.add(template)
        self._templates.append((template, compile_path(template)[0]))
        self._templates.sort(key=lambda known: (known[0].count("{"), known[0]))
        self._paths.clear()  # a path seen as "other" may be this template's


class HttpMetricsMiddleware:
    def __init__(self, app, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self.shared = False

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.shared and "app" in scope:  # one of several workers on one port: share the counts
            self.shared = True  # (worker_metrics.py), from the first request on
            share_of(scope["app"].state)
        started = time.perf_counter()
        status = 500  # an exception before any response: the server error handler answers 500

        async def send_with_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            method = scope["method"]
            self.metrics.observe(
                method if method in METHODS else OTHER,
                self.metrics.route_of(scope),
                status,
                time.perf_counter() - started,
            )


class HttpCollector(Collector):
    """This process's tallies, plus the other workers' (`others`: their shared snapshots)."""

    def __init__(self, metrics: HttpMetrics, others: list[dict] = ()) -> None:
        self.metrics = metrics
        self.others = others

    def collect(self) -> Iterator[Metric]:
        counts = self.metrics.requests.copy()
        tallies = {key: tally[:] for key, tally in self.metrics.durations.copy().items()}
        for other in self.others:
            for method, route, status, count in other.get("http_requests", ()):
                counts[(method, route, status)] = counts.get((method, route, status), 0) + count
            for method, route, tally in other.get("http_durations", ()):
                mine = tallies.get((method, route))
                if mine is not None:
                    tally = [a + b for a, b in zip(mine, tally, strict=True)]
                tallies[(method, route)] = tally
        requests = CounterMetricFamily(
            "terang_http_requests", "HTTP requests answered", labels=("method", "route", "status")
        )
        for (method, route, status), count in counts.items():
            requests.add_metric((method, route, status), count)
        yield requests
        durations = HistogramMetricFamily(
            "terang_http_request_duration_seconds",
            "Time from a request's arrival to its response's end",
            labels=("method", "route"),
            unit="",
        )
        for (method, route), tally in tallies.items():
            cumulative, buckets = 0, []
            for bound, count in zip((*BUCKETS, float("inf")), tally[:-1], strict=True):
                cumulative += count
                buckets.append((_bound(bound), cumulative))
            durations.add_metric((method, route), buckets, sum_value=tally[-1])
        yield durations


def _bound(value: float) -> str:
    return "+Inf" if value == float("inf") else repr(value)
