"""Reads with history: the explorer's pages and the API's reads with a national replay behind them,
under 32 concurrent clients (wrk), against a p99 target; the OCDS bulk export's time, size and the
gateway's resident memory during it; and a full red-flag recompute over the replay. Writes the
"Reads with history" section of docs/performance.md and bench/reads_with_history.json.

    .venv-app/bin/python bench/reads_with_history.py (--replay DIR | --scale F) [--duration 10]
        [--connections 32] [--threads 2] [--warmup 2] [--target-ms 200] [--ids 500]
        [--no-write] [--figures bench/reads_with_history.json]

`--replay DIR` restarts what `bench/national_replay.py --keep DIR` left (the chain from its dumped
state on a fresh anvil, bench.replay.keep.restore); `--scale F` runs that replay first into a
temporary directory. The kept database is copied, never changed. The full red-flag recompute
(app/explorer/redflags.py recompute_all, and the cross-process part alone) is timed on the copy
before the gateway starts. The gateway is this checkout's `python -m app` in the default local shape
(SQLite, in-process indexer, block-scoped read cache) with per-client rate limiting off
(TERANG_RATE_LIMIT_PER_SECOND=0: wrk is one client, and the figure wanted is the read path's cost,
not the limit). Once its indexer is at the chain's head, each endpoint gets a first pass (every
URL once by one client: each a miss of the page cache, app/explorer/cached_pages.py, timed and
reported on its own), a warm-up, then
`wrk -t<threads> -c<connections> -d<duration>s --latency` with a Lua script that rotates each
connection over many ids (`--ids` of each kind, drawn from the replay's database, seeded), never one
hot URL. wrk's own CPU time is recorded beside the gateway's and anvil's, to show whether the load
generator was the bottleneck. Then GET /ocds/releases.jsonl is read to the end by one client while
the gateway's resident memory is sampled every 50 ms (bench/procstat.py)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from app.auth import devissuer  # noqa: E402
from bench import reads_before_after  # noqa: E402
from bench.gateway_load import gateway_env  # noqa: E402
from bench.procstat import RssSampler, busy_cpu_seconds, cpu_seconds, rss_mib  # noqa: E402
from bench.reads_before_after import _wrap, children_cpu, served  # noqa: E402
from tests.support.indexed import cursor_block  # noqa: E402
from toolchain.dev_signers import write_signers  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
RECORD = ROOT / "bench" / "reads_with_history.json"
HEADING = "## Reads with history"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
PYTHON = ROOT / ".venv-app" / "bin" / "python"

# name -> (path template, the kind of id it rotates over). "page" ids are list pages 1..N.
ENDPOINTS: dict[str, tuple[str, str | None]] = {
    "GET /tenders/{ocid}": ("/tenders/{}", "ocid"),
    "GET /suppliers/{id}": ("/suppliers/{}", "supplier"),
    "GET /ocds/records/{ocid}": ("/ocds/records/{}", "ocid"),
    "GET /ocds/releases/{ocid}": ("/ocds/releases/{}", "ocid"),
    "GET /ocds/releases?cursor=": ("/ocds/releases?cursor={}", "cursor"),
    "GET /explorer/": ("/explorer/", None),
    "GET /explorer/tenders?page=": ("/explorer/tenders?page={}", "tender_page"),
    "GET /explorer/tenders/{ocid}": ("/explorer/tenders/{}", "ocid"),
    "GET /explorer/suppliers?page=": ("/explorer/suppliers?page={}", "supplier_page"),
    "GET /explorer/suppliers/{id}": ("/explorer/suppliers/{}", "supplier"),
    "GET /explorer/redflags": ("/explorer/redflags", None),
    "GET /explorer/redflags?group=": ("/explorer/redflags?group={}", "flag_group"),
    "GET /explorer/blocks": ("/explorer/blocks", None),
    "GET /explorer/contracts": ("/explorer/contracts", None),
    "GET /explorer/contracts/{name}": ("/explorer/contracts/{}", "contract"),
    "GET /explorer/welfare": ("/explorer/welfare", None),
    "GET /explorer/policies": ("/explorer/policies", None),
}


# --- the replay ------------------------------------------------
def run_replay(scale: float, folder: Path) -> Path:
    kept = folder / "replay"
    command = [str(PYTHON), str(ROOT / "bench" / "national_replay.py"), "--scale", f"{scale:g}"]
    command += ["--keep", str(kept), "--no-write", "--quiet"]
    print("running", " ".join(command[1:]), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)
    return kept


def copy_database(url: str, folder: Path) -> str:
    if not url.startswith("sqlite:///"):
        raise SystemExit(f"the replay's database is {url.split(':')[0]}; this benchmark copies SQLite only")
    source = Path(url.removeprefix("sqlite:///"))
    with sqlite3.connect(source) as db:  # fold the WAL in, so one file is the whole database
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = folder / "terang.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def sample_ids(database: str, count: int, seed: int) -> dict[str, list[str]]:
    """Ids each endpoint rotates over, drawn from the database (seeded)."""
    pick = random.Random(seed)
    path = database.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        ocids = [r[0] for r in db.execute("SELECT ocid FROM ocds_tenders")]
        positions = [r[0] for r in db.execute("SELECT position FROM ocds_tenders ORDER BY position")]
        suppliers = [
            r[0] for r in db.execute("SELECT supplier_id FROM explorer_suppliers WHERE position IS NOT NULL")
        ]
        contracts = [r[0] for r in db.execute("SELECT DISTINCT contract FROM chain_events")]
        groups = [r[0] for r in db.execute("SELECT DISTINCT flag_group FROM redflag_flags")]
    tenders, registered = len(ocids), len(suppliers)

    def some(values: list) -> list[str]:
        return [str(v) for v in (pick.sample(values, count) if len(values) > count else values)]

    return {
        "ocid": some(ocids),
        "supplier": some(suppliers),
        "cursor": some(positions[:-1] or positions),
        "tender_page": some(list(range(1, max(1, tenders // 50) + 1))),
        "supplier_page": some(list(range(1, max(1, registered // 50) + 1))),
        "contract": sorted(contracts),
        "flag_group": sorted(groups),
        "totals": {"tenders": tenders, "suppliers": registered},  # type: ignore[dict-item]
    }


def history_of(database: str) -> dict[str, int]:
    with sqlite3.connect(database.removeprefix("sqlite:///")) as db:
        one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "events": one("SELECT count(*) FROM chain_events"),
            "tenders": one("SELECT count(*) FROM ocds_tenders"),
            "bids": one("SELECT count(*) FROM chain_events WHERE event = 'BidCommitted'"),
            "suppliers": one("SELECT count(*) FROM explorer_suppliers"),
            "welfare_events": one("SELECT count(*) FROM chain_events WHERE contract = 'WelfarePrograms'"),
            "red_flags": one("SELECT count(*) FROM redflag_flags"),
            "database_mib": round(os.path.getsize(database.removeprefix("sqlite:///")) / 2**20, 1),
            # planner statistics (ANALYZE) change SQLite's plans; the gateway never writes them
            "statistics": bool(one("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'")),
        }


def _statistics(history: dict) -> str:
    if history.get("statistics"):
        return "with planner statistics (ANALYZE was run on it, so SQLite plans as it would after one)"
    return "without planner statistics (the gateway never runs ANALYZE)"


# --- red flags ------------------------------------------------
def time_recompute(database: str) -> dict:
    """A full red-flag recompute (both kinds) and the cross-process part alone, each in its own
    transaction on the copy, in a fresh process (its memory is its own)."""
    code = (
        "import json, resource, sys, time\n"
        "from app.db.session import make_engine, make_session_factory\n"
        "from app.explorer import redflags\n"
        "from app.explorer.projection import ReadModels\n"
        "sessions = make_session_factory(make_engine(sys.argv[1]))\n"
        "out = {}\n"
        "with sessions.begin() as session:  # a database from before a read model's migration\n"
        "    out['read_models_rebuilt'] = ReadModels().catch_up(session)\n"
        "for name, run in (('full', redflags.recompute_all), ('cross', redflags.recompute_cross)):\n"
        "    start = time.perf_counter()\n"
        "    with sessions.begin() as session:\n"
        "        out[name + '_processes'] = run(session)\n"
        "    out[name + '_seconds'] = time.perf_counter() - start\n"
        "out['peak_rss_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [str(PYTHON), "-c", code, database], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- wrk ------------------------------------------------
LUA = """
local paths = {%s}
local counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end
function init(args)
  math.randomseed(offset * 7919 + 17)
  position = math.random(#paths)
end
function request()
  position = position %% #paths + 1
  return wrk.format("GET", paths[position])
end
"""


def parse_wrk(out: str) -> dict:
    """bench/reads_before_after.py's figures from `wrk --latency`, and the largest latency (ms)."""
    stats = re.search(r"^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)", out, re.M)
    if not stats:
        raise SystemExit("could not read wrk's output:\n" + out)
    return {**reads_before_after.parse_wrk(out), "max_ms": reads_before_after._ms(stats.group(3))}


def wrk(base: str, paths: list[str], seconds: float, args, folder: Path) -> tuple[str, float]:
    script = folder / "rotate.lua"
    script.write_text(LUA % ", ".join(json.dumps(p) for p in paths))
    before = children_cpu()
    done = subprocess.run(
        [
            WRK,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "10s",
        ]
        + ["-s", str(script), base],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr}{done.stdout}")
    return done.stdout, children_cpu() - before


def paths_of(endpoint: str, ids: dict) -> list[str]:
    template, kind = ENDPOINTS[endpoint]
    return [template] if kind is None else [template.format(i) for i in ids[kind]]


def page_cache_counters(url: str) -> dict[str, float]:
    """The gateway's page cache counters (app/health/metrics.py), by name without the prefix."""
    text = httpx.get(url + "/metrics", timeout=30).text
    found = re.findall(r"^terang_page_cache_(\w+?)(?:_total)? ([\d.e+]+)$", text, re.M)
    return {name: float(value) for name, value in found}


def first_pass(endpoint: str, gateway: dict, paths: list[str]) -> dict:
    """Every URL once, in order, by one client: each is a miss of the page cache (rendered), and
    fills it. Latency per request and the gateway's CPU per request."""
    before, counters = cpu_seconds(gateway["pid"]), page_cache_counters(gateway["url"])
    took = []
    with httpx.Client(base_url=gateway["url"], timeout=60) as client:
        for path in paths:
            started = time.perf_counter()
            answer = client.get(path)
            took.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise SystemExit(f"{endpoint}: {path} answered {answer.status_code}")
    cpu = cpu_seconds(gateway["pid"]) - before
    after = page_cache_counters(gateway["url"])
    took.sort()
    return {
        "requests": len(took),
        "p50_ms": round(statistics.median(took), 2),
        "p99_ms": round(took[min(len(took) - 1, int(len(took) * 0.99))], 2),
        "max_ms": round(took[-1], 2),
        "gateway_cpu_ms_per_request": round(cpu * 1000 / len(took), 2),
        "misses": int(after.get("misses", 0) - counters.get("misses", 0)),
    }


def measure_endpoint(endpoint: str, gateway: dict, anvil_pid: int, ids: dict, args, folder: Path) -> dict:
    paths = paths_of(endpoint, ids)
    cold = first_pass(endpoint, gateway, paths)
    if args.warmup > 0:
        wrk(gateway["url"], paths, args.warmup, args, folder)
    counters = page_cache_counters(gateway["url"])
    watched = {"gateway": gateway["pid"], "anvil": anvil_pid}
    before = {name: cpu_seconds(pid) for name, pid in watched.items()}
    busy, started = busy_cpu_seconds(), time.monotonic()
    out, wrk_cpu = wrk(gateway["url"], paths, args.duration, args, folder)
    wall = time.monotonic() - started
    cpu = {name: cpu_seconds(pid) - before[name] for name, pid in watched.items()}
    after = page_cache_counters(gateway["url"])
    elsewhere = busy_cpu_seconds() - busy - sum(cpu.values()) - wrk_cpu
    row = {
        "endpoint": endpoint,
        "urls": len(paths),
        **parse_wrk(out),
        "gateway_cpu_seconds": round(cpu["gateway"], 2),
        "anvil_cpu_seconds": round(cpu["anvil"], 2),
        "wrk_cpu_seconds": round(wrk_cpu, 2),
        "elsewhere_cpus": round(max(0.0, elsewhere) / wall, 2),
        "wall_seconds": round(wall, 2),
        "load_average": os.getloadavg()[0],
        "cache_hits": int(after.get("hits", 0) - counters.get("hits", 0)),
        "cache_misses": int(after.get("misses", 0) - counters.get("misses", 0)),
        "first_pass": cold,
    }
    failed = row["non_2xx"] + row["socket_errors"]
    row["passed"] = row["requests"] > 0 and row["p99_ms"] <= args.target_ms and failed == 0
    print(
        f"  {endpoint}: {row['rps']:,.0f} req/s, p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms,"
        f" max {row['max_ms']:.0f} ms, errors {row['non_2xx'] + row['socket_errors']},"
        f" gateway CPU {row['gateway_cpu_seconds']} s, wrk CPU {row['wrk_cpu_seconds']} s,"
        f" cache hits {row['cache_hits']} misses {row['cache_misses']};"
        f" first pass p50 {cold['p50_ms']:.1f} ms p99 {cold['p99_ms']:.1f} ms"
        f" -> {'pass' if row['passed'] else 'FAIL'}",
        flush=True,
    )
    return row


# --- the export ------------------------------------------------
def measure_export(gateway: dict) -> dict:
    """GET /ocds/releases.jsonl read to the end; the gateway's RSS sampled before and during."""
    idle = rss_mib(gateway["pid"])
    with RssSampler({"gateway": gateway["pid"]}, interval=0.05) as sampler:
        sampler.phase = "export"
        started, size, lines, first = time.perf_counter(), 0, 0, None
        with httpx.stream("GET", gateway["url"] + "/ocds/releases.jsonl", timeout=600) as response:
            if response.status_code != 200:
                raise SystemExit(f"/ocds/releases.jsonl answered {response.status_code}")
            for chunk in response.iter_bytes():
                if first is None:
                    first = time.perf_counter() - started
                size += len(chunk)
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    during = [m for phase, _, m in sampler.samples if phase == "export"]
    return {
        "seconds": round(seconds, 2),
        "first_byte_seconds": round(first or 0.0, 3),
        "bytes": size,
        "releases": lines,
        "rss_before_mib": round(idle, 1),
        "rss_peak_mib": round(max(during, default=idle), 1),
        "rss_median_mib": round(statistics.median(during) if during else idle, 1),
        "samples": len(during),
    }


# --- the run ------------------------------------------------
def indexed_to(url: str) -> int:
    return cursor_block(httpx.get(url + "/health", timeout=30).json())


def measure(args, folder: Path) -> dict:
    from bench.replay.keep import restore

    kept = Path(args.replay) if args.replay else run_replay(args.scale, folder)
    index = json.loads((kept / "replay.json").read_text())
    local = kept / "terang.db"  # the kept SQLite file, wherever DIR has moved since
    database = copy_database(f"sqlite:///{local}" if local.exists() else index["database_url"], folder)
    figures: dict = {
        "settings": {k: v for k, v in vars(args).items() if k not in ("figures", "no_write")},
        "replay": {k: index[k] for k in ("scale", "seed", "head_block")} | {"run": index.get("run")},
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": {
            "arch": platform.machine(),
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "wrk": subprocess.run([WRK, "--version"], capture_output=True, text=True).stdout.split(" [")[0],
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        },
        "load_average_before": os.getloadavg(),
    }
    migrate = "import sys; from app.db.migrate import upgrade; upgrade(sys.argv[1])"
    subprocess.run([str(PYTHON), "-c", migrate, database], cwd=ROOT, check=True, capture_output=True)
    print("timing a full red-flag recompute over the replay", flush=True)
    figures["red_flags"] = time_recompute(database)
    print(f"  {figures['red_flags']}", flush=True)
    figures["history"] = history_of(database)
    ids = sample_ids(database, args.ids, args.seed)
    figures["ids"] = {k: len(v) for k, v in ids.items() if k != "totals"}
    with ExitStack() as stack:
        url, manifest_dir, _ = stack.enter_context(restore(kept))
        anvil_pid = int(
            next(
                p.name
                for p in Path("/proc").iterdir()
                if p.name.isdigit() and _listens(p, url.rsplit(":", 1)[1])
            )
        )
        devissuer.ensure_keys(folder / "issuer")
        write_signers(url, folder / "signers")
        env = {
            **gateway_env(url, folder, database),
            "TERANG_MANIFEST_DIR": str(manifest_dir),
            "TERANG_RATE_LIMIT_PER_SECOND": "0",
            **({"TERANG_PAGE_CACHE_ENTRIES": "0"} if args.page_cache_off else {}),
        }
        gateway = stack.enter_context(served(["-m", "app"], ROOT, "/health", folder / "gateway.log", env))
        deadline = time.monotonic() + 600
        while indexed_to(gateway["url"]) < index["head_block"]:
            if time.monotonic() > deadline:
                raise SystemExit("the gateway's indexer did not reach the replay's head")
            time.sleep(0.5)
        figures["gateway_rss_start_mib"] = round(rss_mib(gateway["pid"]), 1)
        figures["rows"] = []
        for endpoint in args.endpoints or ENDPOINTS:
            figures["rows"].append(measure_endpoint(endpoint, gateway, anvil_pid, ids, args, folder))
        print("reading /ocds/releases.jsonl", flush=True)
        figures["export"] = measure_export(gateway)
        print(f"  {figures['export']}", flush=True)
    figures["load_average_after"] = os.getloadavg()
    return figures


def _listens(process: Path, port: str) -> bool:
    try:
        argv = (process / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return bool(argv) and argv[0].endswith(b"anvil") and port.encode() in argv


# --- the section ------------------------------------------------
def render(figures: dict) -> str:
    s, h, r = figures["settings"], figures["history"], figures["red_flags"]
    scale = figures["replay"]["scale"]
    source = "--replay DIR" if s["replay"] else f"--scale {s['scale']:g}"
    kept = (
        f"`.venv-app/bin/python bench/national_replay.py --scale {scale:g} --keep DIR`, then "
        if s["replay"]
        else ""
    )
    command = (
        f"`.venv-app/bin/python bench/reads_with_history.py {source} --duration {s['duration']:g}"
        f" --connections {s['connections']} --threads {s['threads']} --warmup {s['warmup']:g}"
        f" --target-ms {s['target_ms']:g} --ids {s['ids']}`"
    )
    m = figures["machine"]
    rows = figures["rows"]
    passed = sum(row["passed"] for row in rows)
    lines = [
        HEADING,
        "",
        _wrap(
            f"Measured by {kept}{command} at {figures['commit']} (written by the script, not by hand; every"
            " figure is in bench/reads_with_history.json). History: the national replay"
            f" (bench/national_replay.py) at scale {figures['replay']['scale']:g}, seed"
            f" {figures['replay']['seed']}: {h['tenders']:,} tenders, {h['bids']:,} bids,"
            f" {h['suppliers']:,} suppliers, {h['welfare_events']:,} welfare events, {h['events']:,}"
            f" indexed events in all, {h['red_flags']:,} red-flag rows; SQLite database"
            f" {h['database_mib']:,.0f} MiB, {_statistics(h)}. The chain is restarted from the replay's"
            " dumped state and the"
            " gateway (`python -m app`, default local shape: SQLite, in-process indexer, block-scoped"
            " read cache, page cache on) serves a copy of its database, per-client rate limiting off"
            " (TERANG_RATE_LIMIT_PER_SECOND=0: wrk is one client; the figure wanted is the read path's"
            " cost). Per endpoint: first every URL once, in order, by one client (the first pass:"
            " each request a miss of the page cache, rendered and kept), then a"
            f" {s['warmup']:g} s warm-up, then `wrk -t{s['threads']} -c{s['connections']}"
            f" -d{s['duration']:g}s --latency` with a Lua script rotating every connection over up to"
            f" {s['ids']} ids drawn from the database (seeded), never one hot URL."
            f" Target: p99 at most {s['target_ms']:g} ms with no failed request, under wrk."
        ),
        "",
        _wrap(
            "What is cached (app/explorer/cached_pages.py): the finished 200 body of the explorer's"
            " pages and the OCDS release and record packages, per URL and (explorer) language and"
            " zone, as of the indexed position (indexer cursor, read-model position, red-flag state),"
            " read from the database (one primary-key statement) when the last read is older than"
            " TERANG_READ_CACHE_POLL_SECONDS (0.25 s by default). A new position drops every entry;"
            " the next request for each page renders it again, at the first pass's cost."
            " /tenders/{ocid} and /suppliers/{id} read the chain (block-scoped read cache) and are"
            " not page-cached; neither are authenticated requests, answers other"
            " than 200, bodies over TERANG_PAGE_CACHE_ENTRY_BYTES (512 KiB) or the streamed exports."
        ),
        "",
        _wrap(
            "What else the read path does (each measured with this benchmark's --endpoint runs,"
            " before and after, on 2026-12-05):"
            " the requests that reach the routes enter them a few at a time (TERANG_READ_SLOTS,"
            " 4), the rest queued in arrival order (app/api/read_admission.py), instead of 32"
            " worker threads taking turns with the interpreter lock: the OCDS page's p99 went from"
            " 309 to 105 ms. What the gateway loaded at start is moved out of the garbage"
            " collector's sight (gc.freeze, app/main.py): before, a full collection came every few"
            " tenths of a second under load and took 130-170 ms. SQLite keeps as many connections"
            " as worker threads (app/db/session.py) instead of opening one per request past five."
            " A page of /ocds/releases holds 20 ocids by default (at most 100): about 280 KiB here."
        ),
        "",
        _wrap(
            f"Machine: {m['arch']}, {m['nproc']} CPUs shared by anvil, the gateway, wrk and other work;"
            f" Python {m['python']}, {m['wrk']}, {m['date']}. Load average"
            f" {figures['load_average_before'][0]:.1f} before, {figures['load_average_after'][0]:.1f} after;"
            f" work outside this benchmark kept {min(x['elsewhere_cpus'] for x in rows):.1f}–"
            f"{max(x['elsewhere_cpus'] for x in rows):.1f} CPUs busy during the runs."
        ),
        "",
        "Under wrk (cached; misses: requests the page cache rendered during the run):",
        "",
        "| endpoint | ids | req/s | p50 ms | p99 ms | max ms | errors | misses | gateway CPU s"
        " | wrk CPU s | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['endpoint']} | {row['urls']} | {row['rps']:,.0f} | {row['p50_ms']:.1f} |"
            f" {row['p99_ms']:.1f} | {row['max_ms']:.0f} | {row['non_2xx'] + row['socket_errors']} |"
            f" {row['cache_misses']:,} | {row['gateway_cpu_seconds']:.1f} | {row['wrk_cpu_seconds']:.1f} |"
            f" {'met' if row['passed'] else 'missed'} |"
        )
    lines += [
        "",
        "The first pass (one client, every URL once, uncached: what each miss costs):",
        "",
        "| endpoint | requests | misses | p50 ms | p99 ms | max ms | gateway CPU ms per request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        c = row["first_pass"]
        lines.append(
            f"| {row['endpoint']} | {c['requests']} | {c['misses']} | {c['p50_ms']:.1f} | {c['p99_ms']:.1f} |"
            f" {c['max_ms']:.0f} | {c['gateway_cpu_ms_per_request']:.1f} |"
        )
    e = figures["export"]
    lines += [
        "",
        _wrap(
            f"- Target met by {passed} of {len(rows)} endpoints"
            + (
                "; missed by "
                + ", ".join(f"{x['endpoint']} (p99 {x['p99_ms']:.0f} ms)" for x in rows if not x["passed"])
                if passed < len(rows)
                else ""
            )
            + "."
        ),
        *_cache_notes(rows),
        _wrap(
            f"- OCDS bulk export, GET /ocds/releases.jsonl read to the end by one client:"
            f" {e['releases']:,} releases, {e['bytes'] / 2**20:,.1f} MiB in {e['seconds']:.1f} s (first"
            f" byte after {e['first_byte_seconds'] * 1000:.0f} ms). Gateway resident memory"
            f" {figures['gateway_rss_start_mib']:.0f} MiB once indexed,"
            f" {e['rss_before_mib']:.0f} MiB before the export (the runs above filled the page cache and"
            f" churned it), median {e['rss_median_mib']:.0f} and peak"
            f" {e['rss_peak_mib']:.0f} MiB over"
            f" {e['samples']} samples during the export (every 50 ms): the body is streamed a page of"
            " ocids at a time, never held whole."
        ),
        _wrap(
            f"- Red flags, full recompute over the replay (app/explorer/redflags.py recompute_all, both"
            f" kinds, one transaction): {r['full_seconds']:.1f} s over {r['full_processes']:,} processes;"
            f" the cross-process indicators alone (what the projection reruns at most every"
            f" redflag_cross_seconds while tenders keep changing): {r['cross_seconds']:.1f} s; peak"
            f" resident memory of that process {r['peak_rss_mib']:.0f} MiB. Process-local flags follow"
            " each indexer batch for the tenders it touched; no page runs an indicator."
        ),
        _wrap(
            "- What keeps these reads from growing with history: pages read read models kept by the"
            " indexer batch by batch (tender and supplier rows, OCDS releases, red flags as rows,"
            " welfare periods, event counts per contract and kind); the remaining event lookups go"
            " through indexes of chain_events (transaction hash; event name; contract and position);"
            " lists page by keyset (OCDS releases, contract events, red-flag entities) or by a bounded"
            " offset (tender and supplier lists); OCDS packages are the stored JSON spliced as text."
            " What still costs per miss is bounded by one tender (its events and their template)"
            " or one page, not by the history; a hit costs a lookup and the write of the bytes."
        ),
    ]
    return "\n".join(lines) + "\n"


def _cache_notes(rows: list[dict]) -> list[str]:
    """What the cached rows show: a hit's cost, and the rows whose URLs the cache could not hold."""
    cached = [x for x in rows if x.get("cache_hits") and not x.get("cache_misses")]
    thrashed = [x for x in rows if x.get("cache_misses")]
    notes = []
    if cached:
        cpu = [x["gateway_cpu_seconds"] * 1000 / x["requests"] for x in cached]
        notes.append(
            _wrap(
                f"- Served from the page cache ({len(cached)} endpoints, no miss under wrk):"
                f" {min(x['rps'] for x in cached):,.0f}–{max(x['rps'] for x in cached):,.0f} req/s,"
                f" p50 {min(x['p50_ms'] for x in cached):.1f}–{max(x['p50_ms'] for x in cached):.1f} ms,"
                f" {min(cpu):.2f}–{max(cpu):.2f} ms of gateway CPU per request. wrk keeps every"
                " connection busy, so the gateway runs saturated: p99 is its queue, shared with the"
                " other work on the machine, more than any page's cost."
            )
        )
    for x in thrashed:
        notes.append(
            _wrap(
                f"- {x['endpoint']}: {x['cache_misses']:,} misses and {x['cache_hits']:,} hits under wrk:"
                f" its {x['urls']} URLs rotated in turn are more bytes than the page cache's bound holds,"
                " so the least recently used page is always the next one asked for; each request is"
                " rendered as in the first pass."
            )
        )
    return notes


def main() -> int:
    from bench.gateway_load import write_section

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--replay", help="a directory `bench/national_replay.py --keep` left")
    source.add_argument("--scale", type=float, help="run the national replay at this scale first")
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per endpoint")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=2, help="seconds of unrecorded load per endpoint")
    parser.add_argument("--target-ms", type=float, default=200, help="the p99 target")
    parser.add_argument("--ids", type=int, default=500, help="ids of each kind the requests rotate over")
    parser.add_argument("--seed", type=int, default=7, help="seed of the ids drawn")
    parser.add_argument("--endpoint", dest="endpoints", action="append", choices=list(ENDPOINTS))
    parser.add_argument(
        "--page-cache-off",
        action="store_true",
        help="every request rendered (what readers meet right after each indexed batch); implies --no-write",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--figures", help="re-render the section from this JSON instead of measuring")
    args = parser.parse_args()
    args.no_write = args.no_write or args.page_cache_off
    if not (args.figures or args.replay or args.scale):
        parser.error("give --replay DIR or --scale F (or --figures to re-render)")
    if args.replay and not (Path(args.replay) / "replay.json").is_file():
        parser.error(f"--replay {args.replay}: no replay.json there (bench/national_replay.py --keep DIR)")
    if args.figures:
        figures = json.loads(Path(args.figures).read_text())
    else:
        with tempfile.TemporaryDirectory(prefix="terang-reads-history-") as folder:
            try:
                figures = measure(args, Path(folder))
            except BaseException:
                log = Path(folder) / "gateway.log"
                if log.exists():
                    print("--- gateway.log\n" + log.read_text(errors="replace")[-3000:], file=sys.stderr)
                raise
    section = render(figures)
    print(section)
    if not args.no_write:
        if not args.figures:
            RECORD.write_text(json.dumps(figures, indent=2) + "\n")
        write_section(section, HEADING)
        print(f"wrote the section {HEADING[3:]!r} of docs/performance.md and {RECORD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
