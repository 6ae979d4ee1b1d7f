"""The cost of counting requests (app/health/http_metrics.py): the gateway of this checkout served
twice in the same run, as `python -m app` (with the middleware) and with the middleware taken out of
the very same application before it serves, under the same wrk load on a cheap read, in alternating
rounds. Prints the medians; writes nothing.

    .venv-app/bin/python bench/http_metrics_overhead.py [--path /health] [--rounds 5] [--duration 8]
        [--connections 32] [--threads 1] [--warmup 2]
    .venv-app/bin/python bench/http_metrics_overhead.py --micro

`--micro`: the middleware alone around a trivial ASGI app, in one process, against the trivial app
bare: CPU microseconds per request (medians of 5 runs of 200,000 requests), free of a loaded
machine's noise that the wrk rounds carry.

Both gateways run on one anvil chain with the suite deployed, SQLite each, per-client rate limiting
off (wrk is one client). bench/reads_before_after.py's servers and wrk runner are reused."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.gateway_load import gateway_env  # noqa: E402
from bench.procstat import pid_listening_as  # noqa: E402
from bench.reads_before_after import measure_round, served, wrk  # noqa: E402
from tests.support.localchain import anvil, deploy_local  # noqa: E402

SERVERS = ("with metrics", "without metrics")


def serve_without_metrics() -> int:
    """`python -m app`, with HttpMetricsMiddleware removed from the application it builds."""
    import app.__main__ as entry
    from app.health.http_metrics import HttpMetricsMiddleware

    build = entry.create_app

    def create_app(*args, **kwargs):
        application = build(*args, **kwargs)
        application.user_middleware = [
            m for m in application.user_middleware if m.cls is not HttpMetricsMiddleware
        ]
        return application

    entry.create_app = create_app
    return entry.main()


def micro(requests: int = 200_000, runs: int = 5) -> int:
    import asyncio

    from app.health.http_metrics import HttpMetrics, HttpMetricsMiddleware

    class Route:
        path = "/health"

    scope = {"type": "http", "method": "GET", "path": "/health", "route": Route()}

    async def bare(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message):
        pass

    async def receive():
        return {"type": "http.request"}

    async def serve(application):
        for _ in range(requests):
            await application(scope, receive, send)

    servers = {"bare": bare, "with metrics": HttpMetricsMiddleware(bare, HttpMetrics())}
    cpu: dict[str, list[float]] = {name: [] for name in servers}
    for _ in range(runs):
        for name, application in servers.items():
            started = time.process_time()
            asyncio.run(serve(application))
            cpu[name].append(1e6 * (time.process_time() - started) / requests)
    for name, values in cpu.items():
        print(
            f"  {name:<13} {statistics.median(values):.2f} us CPU/request"
            f"  runs {[round(v, 2) for v in values]}"
        )
    extra = statistics.median(cpu["with metrics"]) - statistics.median(cpu["bare"])
    print(f"  the middleware: {extra:+.2f} us CPU per request")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/health")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--micro", action="store_true", help="the middleware alone, in process")
    parser.add_argument("--serve-without-metrics", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.micro:
        return micro()
    if args.serve_without_metrics:
        return serve_without_metrics()
    from app.auth import devissuer
    from toolchain.dev_signers import write_signers

    with tempfile.TemporaryDirectory(prefix="terang-bench-metrics-") as tmp, anvil() as url:
        folder = Path(tmp)
        deployed = deploy_local(url, folder / "deployments")
        if deployed.returncode != 0:
            raise SystemExit(deployed.stdout[-2000:] + deployed.stderr[-2000:])
        devissuer.ensure_keys(folder / "issuer")
        write_signers(url, folder / "signers")
        anvil_pid = pid_listening_as("anvil", int(url.rsplit(":", 1)[1]))

        def env(name: str) -> dict:
            return {
                **gateway_env(url, folder, f"sqlite:///{folder / name}.db"),
                "TERANG_RATE_LIMIT_PER_SECOND": "0",
            }

        argv = {
            "with metrics": ["-m", "app"],
            "without metrics": [str(Path(__file__).resolve()), "--serve-without-metrics"],
        }
        with (
            served(argv["with metrics"], ROOT, "/health", folder / "with.log", env("with")) as with_,
            served(
                argv["without metrics"], ROOT, "/health", folder / "without.log", env("without")
            ) as without,
        ):
            targets = {"with metrics": with_, "without metrics": without}
            for name in SERVERS:
                wrk(targets[name]["url"] + args.path, args.warmup, args)
            rows = []
            for round_ in range(args.rounds):
                order = SERVERS if round_ % 2 == 0 else SERVERS[::-1]
                for name in order:
                    target = targets[name]
                    rows.append(
                        measure_round(
                            name, f"GET {args.path}", target, target["url"] + args.path, anvil_pid, args
                        )
                    )
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, GET {args.path},"
        f" {args.rounds} rounds each (medians):"
    )
    medians = {}
    for name in SERVERS:
        mine = [r for r in rows if r["server"] == name]
        medians[name] = {
            "rps": statistics.median(r["rps"] for r in mine),
            "p50": statistics.median(r["p50_ms"] for r in mine),
            "p99": statistics.median(r["p99_ms"] for r in mine),
            "cpu": statistics.median(1000 * r["server_cpu_seconds"] / r["requests"] for r in mine),
            "errors": sum(r["non_2xx"] + r["socket_errors"] for r in mine),
            "rounds": [round(r["rps"]) for r in mine],
        }
        m = medians[name]
        print(
            f"  {name:<16} {m['rps']:,.0f} req/s  p50 {m['p50']:.2f} ms  p99 {m['p99']:.2f} ms"
            f"  server CPU {m['cpu']:.3f} ms/request  errors {m['errors']}  rounds {m['rounds']}"
        )
    w, wo = medians["with metrics"], medians["without metrics"]
    print(
        f"  with / without: {w['rps'] / wo['rps']:.1%} of the requests/s,"
        f" {1000 * (w['cpu'] - wo['cpu']):+.0f} us of server CPU per request"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
