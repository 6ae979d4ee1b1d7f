"""Read throughput of the gateway at two revisions, side by side in one run: a base revision (by
default 5ea7c25, the last commit before the domain layout) and the new one (by default HEAD), with
the bare FastAPI app of bench/bare_app.py as the reference. Writes bench/reads_before_after.json and
the "Reads before and after the domain layout" section of docs/performance.md.

    .venv-app/bin/python bench/reads_before_after.py [--base 5ea7c25] [--new HEAD|worktree]
        [--rounds 5] [--duration 10] [--connections 32] [--threads 1] [--warmup 2]
        [--no-write] [--figures bench/reads_before_after.json]

Each revision is checked out into a temporary git worktree (`git worktree add --detach`, removed at
the end); `--new worktree` measures this checkout's working tree as it is instead, uncommitted
edits included. Both gateways run as `python -m app` with this checkout's .venv-app interpreter,
each with its worktree as the current directory (so each imports its own `app` package), on its
own loopback port and SQLite database: the default local shape (in-process indexer on, block-scoped
read cache on), as bench/gateway_load.py runs it. One anvil chain serves both: the suite deployed
once by this checkout's deploy script, one supplier registered and one tender announced, so
GET /health, GET /tenders/{ocid} and GET /suppliers/{id} answer with real data.

Load: wrk (`wrk -t1 -c32 -d10s --latency`), per endpoint a short unrecorded warm-up of each server,
then alternating rounds base, new, bare, base, new, bare, ...; each server's figures are the
medians of its rounds, and the spread between its rounds is the noise the change is judged
against: a change counts only when every round of one revision lies beyond every round of the other
and that order is unlikely by drift alone (2 of the C(2n, n) orders of n rounds each: 10% for 3
rounds, 0.8% for 5, hence 5 by default). The chain, both gateways, the bare app and wrk share this
machine's CPUs with whatever else runs: the load average and the CPU time of each process per round
are recorded."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from app.auth import devissuer  # noqa: E402
from app.protocol.manifest import load_manifest, manifest_path  # noqa: E402
from bench import bid_load  # noqa: E402
from bench.gateway_load import gateway_env, write_section  # noqa: E402
from bench.procstat import busy_cpu_seconds, cpu_seconds, pid_listening_as  # noqa: E402
from tests.support.localchain import anvil, deploy_local  # noqa: E402
from toolchain.dev_signers import write_signers  # noqa: E402
from toolchain.run_local import free_port  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
RECORD = ROOT / "bench" / "reads_before_after.json"
HEADING = "## Reads before and after the domain layout"
PYTHON = ROOT / ".venv-app" / "bin" / "python"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
ENDPOINTS = ("GET /health", "GET /tenders/{ocid}", "GET /suppliers/{id}")
SERVERS = ("base", "new", "bare")
SIGNIFICANT = 0.05  # the largest chance of a separation by drift alone that still counts


# --- the trees ------------------------------------------------------------------------------------
def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=120
    ).stdout.strip()


def describe(rev: str) -> dict:
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    return {"rev": rev, "commit": commit, "subject": git("log", "-1", "--format=%s", commit)}


@contextmanager
def worktree(commit: str, folder: Path) -> Iterator[Path]:
    """`commit` checked out (detached) into `folder`, a worktree of this repository, removed after."""
    git("worktree", "add", "--detach", str(folder), commit)
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, timeout=120)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, timeout=120)


def imported_from(tree: Path) -> str:
    """Where `import app` resolves with `tree` as the current directory (it must be that tree)."""
    found = subprocess.run(
        [str(PYTHON), "-c", "import app, os; print(os.path.dirname(app.__file__))"],
        cwd=tree,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    if Path(found).resolve() != (tree / "app").resolve():
        raise SystemExit(f"python -m app in {tree} would import {found}")
    return found


def clean_env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("TERANG_")}
    return {**env, **(extra or {})}


# --- the servers ----------------------------------------------------------------------------------
@contextmanager
def served(argv: list[str], cwd: Path, probe: str, log: Path, env: dict | None = None) -> Iterator[dict]:
    """Starts `.venv-app/bin/python <argv>` in `cwd` on a free loopback port (TERANG_PORT, or "{port}"
    in argv), waits until `probe` answers 200, yields {"url", "pid"}, stops the process afterwards."""
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(PYTHON), *(a.replace("{port}", str(port)) for a in argv)],
            cwd=cwd,
            stdout=out,
            stderr=out,
            env=clean_env({**(env or {}), "TERANG_PORT": str(port)}),
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(url + probe, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{argv} in {cwd} did not start; see {log}")
            time.sleep(0.2)
        yield {"url": url, "pid": process.pid}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def response_schema(url: str, path: str) -> str:
    """The schema the OpenAPI document gives the 200 answer of GET `path`: a model's name when the
    route declares one, else the bare schema (e.g. {} for an untyped `dict`)."""
    spec = httpx.get(url + "/openapi.json", timeout=30).json()
    try:
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    except KeyError:
        return "none"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    return json.dumps(schema, sort_keys=True)


# --- wrk ------------------------------------------------------------------------------------------
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(out: str) -> dict:
    """requests/s, p50/p99 latency (ms), requests and errors from `wrk --latency` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(\w+),", out, re.M)
    latency = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)\s*$", out, re.M))
    if not (rps and total and "50" in latency and "99" in latency):
        raise SystemExit("could not read wrk's output:\n" + out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(v) for v in sockets.groups()) if sockets else 0,
    }


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk(url: str, seconds: int, args) -> tuple[str, float]:
    """Runs wrk against `url`; its output and the CPU seconds it used."""
    before = children_cpu()  # the servers are children too, but not reaped until they stop
    done = subprocess.run(
        [
            WRK,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds:g}s",
            "--latency",
            "--timeout",
            "10s",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr}{done.stdout}")
    return done.stdout, children_cpu() - before


def measure_round(server: str, endpoint: str, target: dict, url: str, anvil_pid: int | None, args) -> dict:
    watched = {"server": target["pid"], **({"anvil": anvil_pid} if anvil_pid else {})}
    before = {name: cpu_seconds(pid) for name, pid in watched.items()}
    busy, started = busy_cpu_seconds(), time.monotonic()
    out, wrk_cpu = wrk(url, args.duration, args)
    wall = time.monotonic() - started
    cpu = {name: cpu_seconds(pid) - before[name] for name, pid in watched.items()}
    elsewhere = busy_cpu_seconds() - busy - sum(cpu.values()) - wrk_cpu
    row = {
        "server": server,
        "endpoint": endpoint,
        **parse_wrk(out),
        "server_cpu_seconds": round(cpu["server"], 2),
        "anvil_cpu_seconds": round(cpu.get("anvil", 0.0), 2),
        "wrk_cpu_seconds": round(wrk_cpu, 2),
        "elsewhere_cpus": round(max(0.0, elsewhere) / wall, 2),
        "wall_seconds": round(wall, 2),
        "load_average": os.getloadavg()[0],
    }
    print(
        f"  {server:<4} {'GET /sync' if server == 'bare' else endpoint}: {row['rps']:,.0f} req/s,"
        f" p50 {row['p50_ms']:.1f} ms,"
        f" p99 {row['p99_ms']:.1f} ms, errors {row['non_2xx'] + row['socket_errors']},"
        f" server CPU {row['server_cpu_seconds']} s, elsewhere {row['elsewhere_cpus']} CPUs",
        flush=True,
    )
    return row


# --- the run --------------------------------------------------------------------------------------
def setup_chain(url: str, folder: Path) -> dict:
    deployed = deploy_local(url, folder / "deployments")
    if deployed.returncode != 0:
        raise SystemExit(deployed.stdout[-2000:] + deployed.stderr[-2000:])
    manifest = load_manifest(manifest_path(folder / "deployments", 31337))
    devissuer.ensure_keys(folder / "issuer")
    write_signers(url, folder / "signers")
    w3 = bid_load.web3_for(url)
    [(_key, supplier)] = bid_load.register_suppliers(w3, manifest, 1)
    [ocid] = bid_load.announce_tenders(w3, manifest, 1, "reads")
    return {"supplier": supplier, "ocid": ocid}


def paths_for(data: dict) -> dict[str, tuple[str, str]]:
    """endpoint -> (concrete path, OpenAPI path)."""
    return {
        "GET /health": ("/health", "/health"),
        "GET /tenders/{ocid}": (f"/tenders/{data['ocid']}", "/tenders/{ocid}"),
        "GET /suppliers/{id}": (f"/suppliers/{data['supplier']}", "/suppliers/{supplier_id}"),
    }


def measure(args, folder: Path) -> dict:
    base = describe(args.base)
    if args.new == "worktree":
        head = describe("HEAD")
        changed = git("diff", "--name-only", "HEAD", "--", "app").splitlines()
        changed += git("ls-files", "--others", "--exclude-standard", "--", "app").splitlines()
        new = {**head, "rev": "working tree", "uncommitted_app_files": len(changed)}
    else:
        new = describe(args.new)
    between = git("rev-list", "--reverse", "--ancestry-path", f"{base['commit']}..{new['commit']}").split()
    span = {
        "commits": len(between),
        "under_app": len(git("rev-list", f"{base['commit']}..{new['commit']}", "--", "app").split()),
        "first": describe(between[0]) if between else None,
    }
    figures: dict = {
        "span": span,
        "settings": {k: v for k, v in vars(args).items() if k not in ("figures", "no_write")},
        "base": base,
        "new": new,
        "machine": {
            "arch": platform.machine(),
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "wrk": subprocess.run([WRK, "--version"], capture_output=True, text=True).stdout.split(" [")[0],
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        },
        "load_average_before": os.getloadavg(),
        "rounds": [],
    }
    with (
        worktree(base["commit"], folder / "tree-base") as base_tree,
        worktree(new["commit"], folder / "tree-new") if args.new != "worktree" else _here() as new_tree,
        anvil() as url,
    ):
        trees = {"base": base_tree, "new": new_tree}
        figures["imported_from"] = {name: imported_from(tree) for name, tree in trees.items()}
        print("deploying; registering a supplier, announcing a tender", flush=True)
        data = setup_chain(url, folder)
        figures["data"] = data
        anvil_pid = pid_listening_as("anvil", int(url.rsplit(":", 1)[1]))
        paths = paths_for(data)
        with (
            served(["-m", "app"], trees["base"], "/health", folder / "base.log",
                   gateway_env(url, folder, f"sqlite:///{folder / 'base.db'}")) as base_server,
            served(["-m", "app"], trees["new"], "/health", folder / "new.log",
                   gateway_env(url, folder, f"sqlite:///{folder / 'new.db'}")) as new_server,
            served([str(ROOT / "bench" / "bare_app.py"), "--port", "{port}"], ROOT, "/sync",
                   folder / "bare.log") as bare_server,
        ):  # fmt: skip
            servers = {"base": base_server, "new": new_server, "bare": bare_server}
            figures["responses"] = responses(servers, paths)
            for endpoint in ENDPOINTS:
                path = paths[endpoint][0]
                urls = {"base": base_server["url"] + path, "new": new_server["url"] + path}
                urls["bare"] = bare_server["url"] + "/sync"
                print(f"{endpoint}: warm-up {args.warmup:g} s each", flush=True)
                for name in SERVERS:
                    if args.warmup > 0:
                        wrk(urls[name], args.warmup, args)
                for round_ in range(1, args.rounds + 1):
                    print(f" round {round_}", flush=True)
                    for name in order(round_):
                        row = measure_round(name, endpoint, servers[name], urls[name], anvil_pid, args)
                        figures["rounds"].append({"round": round_, **row})
    figures["load_average_after"] = os.getloadavg()
    return figures


def order(round_: int) -> tuple[str, ...]:
    """Base first in odd rounds, new first in even ones (base, new, new, base, ...): a drift of the
    machine's speed across a run then favours neither."""
    return ("base", "new", "bare") if round_ % 2 else ("new", "base", "bare")


@contextmanager
def _here() -> Iterator[Path]:
    yield ROOT


def responses(servers: dict, paths: dict) -> dict:
    """Per endpoint and gateway: the answer's status, size and declared schema (they must be 200)."""
    seen: dict = {}
    for endpoint, (path, spec_path) in paths.items():
        seen[endpoint] = {}
        for name in ("base", "new"):
            answer = httpx.get(servers[name]["url"] + path, timeout=30)
            if answer.status_code != 200:
                raise SystemExit(f"{name} {endpoint}: {answer.status_code} {answer.text[:500]}")
            seen[endpoint][name] = {
                "bytes": len(answer.content),
                "schema": response_schema(servers[name]["url"], spec_path),
                "keys": sorted(answer.json()) if isinstance(answer.json(), dict) else None,
            }
        seen[endpoint]["same_keys"] = seen[endpoint]["base"]["keys"] == seen[endpoint]["new"]["keys"]
    return seen


# --- the figures ----------------------------------------------------------------------------------
def summary(figures: dict) -> list[dict]:
    """Per endpoint: each server's medians and round figures, the change and whether it is noise."""
    rows = []
    for endpoint in ENDPOINTS:
        row: dict = {"endpoint": endpoint}
        for name in SERVERS:
            rounds = [r for r in figures["rounds"] if r["endpoint"] == endpoint and r["server"] == name]
            rps = [r["rps"] for r in rounds]
            median = statistics.median(rps)
            row[name] = {
                "rps": median,
                "rounds_rps": rps,
                "spread": (max(rps) - min(rps)) / median if median else 0.0,
                "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
                "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
                "errors": sum(r["non_2xx"] + r["socket_errors"] for r in rounds),
                "cpu_ms_per_request": statistics.median(
                    1000 * r["server_cpu_seconds"] / r["requests"] for r in rounds if r["requests"]
                ),
            }
        base, new = row["base"], row["new"]
        row["change"] = new["rps"] / base["rps"] - 1
        row["noise"] = max(base["spread"], new["spread"])
        # Outside noise only when every round of one is above every round of the other.
        row["separated"] = min(new["rounds_rps"]) > max(base["rounds_rps"]) or max(new["rounds_rps"]) < min(
            base["rounds_rps"]
        )
        # Paired: each new round against the base round of the same turn (seconds apart).
        by_round = {
            r["round"]: r["rps"]
            for r in figures["rounds"]
            if r["endpoint"] == endpoint and r["server"] == "base"
        }
        row["paired"] = [
            r["rps"] / by_round[r["round"]] - 1
            for r in figures["rounds"]
            if r["endpoint"] == endpoint and r["server"] == "new" and r["round"] in by_round
        ]
        row["paired_median"] = statistics.median(row["paired"])
        rows.append(row)
    return rows


def render(figures: dict) -> str:
    s = figures["settings"]
    rows = summary(figures)
    # The measured commit, not a moving name such as HEAD, so that the command reproduces the run.
    new_rev = "worktree" if figures["new"]["rev"] == "working tree" else figures["new"]["commit"][:7]
    command = (
        f"`.venv-app/bin/python bench/reads_before_after.py --base {s['base']} --new {new_rev}"
        f" --rounds {s['rounds']} --duration {s['duration']:g} --connections {s['connections']}"
        f" --threads {s['threads']} --warmup {s['warmup']:g}`"
    )
    base, new = figures["base"], figures["new"]
    new_what = (
        f"the working tree on {new['commit'][:7]}"
        f" ({new['uncommitted_app_files']} uncommitted file(s) under app/)"
        if new["rev"] == "working tree"
        else f"{new['commit'][:7]} ({new['subject']})"
    )
    span = figures["span"]
    before = (
        f"{base['commit'][:7]}, the parent of {span['first']['commit'][:7]} ({span['first']['subject']})"
        if span["first"]
        else base["commit"][:7]
    )
    later = f", {span['commits']} commits later ({span['under_app']} of them change app/)"
    lines = [
        HEADING,
        "",
        _wrap(
            f"Measured by {command} (written by the script, not by hand; every round is in"
            f" bench/reads_before_after.json). Base: {before}; new: {new_what}{later}."
            " Each is checked out into a temporary git worktree and served from it as `python -m app` by"
            " the same interpreter, on its own SQLite database, indexer and read cache on (the default"
            " local shape), both against one anvil chain with the suite deployed once, one supplier and"
            " one tender. The bare app is bench/bare_app.py's `def` endpoint under the same uvicorn"
            f" settings. Load: `wrk -t{s['threads']} -c{s['connections']} -d{s['duration']:g}s --latency`;"
            f" per endpoint a {s['warmup']:g} s warm-up of each server, then {s['rounds']} round(s) of"
            " the three in turn, base first in odd rounds and new first in even ones, bare last (so a"
            " drift of the machine's speed favours neither revision). Figures are the medians of the"
            " rounds (change: of the medians); per round: the change of each new round against the base"
            " round beside it, seconds apart. Each server's rounds are listed: the spread between them"
            " is the noise a change is judged against."
        ),
        "",
        machine_paragraph(figures),
        "",
        "| endpoint | base req/s | new req/s | change | per round: median (range) | base p50 / p99 ms |"
        " new p50 / p99 ms | bare req/s | new of bare | base rounds | new rounds | bare rounds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        b, n, bare = r["base"], r["new"], r["bare"]
        lines.append(
            f"| {r['endpoint']} | {b['rps']:,.0f} | {n['rps']:,.0f} | {r['change']:+.1%} |"
            f" {r['paired_median']:+.1%} ({min(r['paired']):+.1%} to {max(r['paired']):+.1%}) |"
            f" {b['p50_ms']:.1f} / {b['p99_ms']:.1f} | {n['p50_ms']:.1f} / {n['p99_ms']:.1f} |"
            f" {bare['rps']:,.0f} | {n['rps'] / bare['rps']:.0%} |"
            f" {_list(b['rounds_rps'])} | {_list(n['rounds_rps'])} | {_list(bare['rounds_rps'])} |"
        )
    errors = sum(r[name]["errors"] for r in rows for name in SERVERS)
    lines += ["", f"Failed requests (not 2xx, or socket errors) over all rounds: {errors}.", ""]
    lines += [f"- {sentence}" for sentence in findings(figures, rows)]
    return "\n".join(lines) + "\n"


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=100, break_long_words=False, break_on_hyphens=False)


def _schema(name: str) -> str:
    return "untyped" if name.startswith("{") else f"model {name}"


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:,.0f}" for v in values)


def chance(rounds: int) -> float:
    """How often all `rounds` rounds of one server land beyond all of the other's when both are
    equally fast and the drift strikes at random: 2 of the C(2n, n) orders."""
    return 2 / math.comb(2 * rounds, rounds)


def findings(figures: dict, rows: list[dict]) -> list[str]:
    """What the figures say, in sentences made from them."""
    out, moved = [], []
    for r in rows:
        b, n = r["base"], r["new"]
        rounds = min(len(b["rounds_rps"]), len(n["rounds_rps"]))
        ranges = f"base {_range(b)}, new {_range(n)} req/s"
        if rounds < 2:
            verdict = "one round each, so the noise is unknown"
        elif not r["separated"]:
            verdict = f"within the noise: the rounds overlap ({ranges})"
        elif chance(rounds) > SIGNIFICANT:
            verdict = (
                f"not conclusive: the rounds do not overlap ({ranges}), but with {rounds} rounds each"
                f" that happens by chance {chance(rounds):.0%} of the time"
            )
        else:
            moved.append(r)
            verdict = (
                f"outside the noise: every new round is {'below' if r['change'] < 0 else 'above'}"
                f" every base round ({ranges})"
            )
        lower = sum(c < 0 for c in r["paired"])
        paired = (
            f"; round by round new was slower in {lower} of {len(r['paired'])}"
            f" (median {r['paired_median']:+.1%}, {min(r['paired']):+.1%} to {max(r['paired']):+.1%})"
        )
        typed = figures["responses"][r["endpoint"]]
        schema = (
            f"; response {_schema(typed['base']['schema'])} before, {_schema(typed['new']['schema'])} after"
            if typed["base"]["schema"] != typed["new"]["schema"]
            else f"; response {_schema(typed['new']['schema'])} in both"
        ) + (
            f", {typed['base']['bytes']:,} → {typed['new']['bytes']:,} bytes"
            if typed["base"]["bytes"] != typed["new"]["bytes"]
            else f", {typed['new']['bytes']:,} bytes in both"
        )
        out.append(
            f"{r['endpoint']}: {b['rps']:,.0f} → {n['rps']:,.0f} req/s ({r['change']:+.1%}),"
            f" {verdict}{paired};"
            f" {b['rps'] / r['bare']['rps']:.0%} → {n['rps'] / r['bare']['rps']:.0%} of bare; server CPU"
            f" {b['cpu_ms_per_request']:.2f} → {n['cpu_ms_per_request']:.2f} ms per request{schema}."
        )
    rounds = min(len(r[name]["rounds_rps"]) for r in rows for name in SERVERS)
    if rounds < 2:
        return [*out, "Noise: unknown with one round per server; run --rounds 5."]
    noisy = max(r["noise"] for r in rows)
    bare = max(r["bare"]["spread"] for r in rows)
    out.append(
        f"Noise: one gateway's rounds spread by up to {noisy:.0%} of their median, the bare app's by up"
        f" to {bare:.0%} (the machine's drift, other work included). A change counts only where all"
        " rounds of one revision lie beyond all rounds of the other and that is unlikely by chance"
        f" (at most {SIGNIFICANT:.0%}; with {rounds} rounds each the chance is {chance(rounds):.1%}): "
        + (", ".join(f"{r['endpoint']} ({r['change']:+.1%})" for r in moved) if moved else "none does")
        + "."
    )
    return out


def machine_paragraph(figures: dict) -> str:
    """The machine a run measured on and how busy it was, as the docs sections say it."""
    m = figures["machine"]
    elsewhere = [r["elsewhere_cpus"] for r in figures["rounds"]]
    return _wrap(
        f"Machine: {m['arch']}, {m['nproc']} CPUs shared by anvil, the servers, wrk and other work;"
        f" Python {m['python']}, {m['wrk']}, {m['date']}. Load average"
        f" {figures['load_average_before'][0]:.1f} before, {figures['load_average_after'][0]:.1f}"
        f" after; work outside this benchmark kept {min(elsewhere):.1f}–{max(elsewhere):.1f} CPUs"
        " busy during the rounds."
    )


def _range(server: dict) -> str:
    return f"{min(server['rounds_rps']):,.0f}–{max(server['rounds_rps']):,.0f}"


def measure_and_write(args, measure, summary, render, record: Path, heading: str, prefix: str) -> int:
    """A benchmark's command: measure (or re-read `--figures`), print the docs section, write it into
    docs/performance.md and the figures into `record` (unless `--no-write`); on a failure, the tail
    of every server's log."""
    if args.figures:
        figures = json.loads(Path(args.figures).read_text())
    else:
        with tempfile.TemporaryDirectory(prefix=prefix) as folder:
            try:
                figures = measure(args, Path(folder))
            except BaseException:
                for log in sorted(Path(folder).glob("*.log")):
                    print(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:], file=sys.stderr)
                raise
        figures["summary"] = summary(figures)
    section = render(figures)
    print(section)
    if not args.no_write:
        if not args.figures:
            record.write_text(json.dumps(figures, indent=2) + "\n")
        write_section(section, heading)
        print(
            f"wrote the section {heading[3:]!r} of {DOC.relative_to(ROOT)}"
            + ("" if args.figures else f" and {record.relative_to(ROOT)}")
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="5ea7c25", help="the revision before (default 5ea7c25)")
    parser.add_argument(
        "--new", default="HEAD", help="the revision after (a worktree of it), or 'worktree' for this checkout"
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per server and endpoint")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load per server")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--figures", help="re-render the section from this JSON instead of measuring")
    return measure_and_write(parser.parse_args(), measure, summary, render, RECORD, HEADING, "terang-reads-")


if __name__ == "__main__":
    sys.exit(main())
