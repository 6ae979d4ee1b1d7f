"""A closed-loop HTTP load generator: a fixed number of asyncio workers sharing one httpx client,
each sending the next request as soon as the previous one is answered, for a fixed duration after a
warm-up. Only requests sent and answered inside the measured window count."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class LoadResult:
    url: str
    concurrency: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _load(url: str, concurrency: int, warmup: float, duration: float, headers: dict) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    # One client (one keep-alive connection) per worker: httpx's shared pool costs more CPU per
    # request as the number of connections in it grows.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(limits=limits, timeout=30, headers=headers) for _ in range(concurrency)]
    try:
        start = time.perf_counter()
        window = (start + warmup, start + warmup + duration)

        async def worker(client: httpx.AsyncClient) -> None:
            nonlocal errors
            while True:
                sent = time.perf_counter()
                if sent >= window[1]:
                    return
                try:
                    response = await client.get(url)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                done = time.perf_counter()
                if sent >= window[0] and done <= window[1]:
                    if ok:
                        latencies.append(done - sent)
                    else:
                        errors += 1

        await asyncio.gather(*(worker(client) for client in clients))
    finally:
        for client in clients:
            await client.aclose()
    return LoadResult(
        url=url,
        concurrency=concurrency,
        seconds=duration,
        requests=len(latencies),
        errors=errors,
        rps=len(latencies) / duration,
        p50_ms=1000 * statistics.median(latencies) if latencies else float("nan"),
        p99_ms=1000 * percentile(latencies, 0.99),
    )


def load(
    url: str, concurrency: int = 32, warmup: float = 3.0, duration: float = 15.0, headers: dict | None = None
) -> LoadResult:
    return asyncio.run(_load(url, concurrency, warmup, duration, headers or {}))
