"""How long the portal's keystore (app/portal/static/js/keystore.js) takes to unlock, per scrypt cost
n (r = 8, p = 1), in JavaScript under Node: the same modules a browser runs, resolved through the
page's import map (tests/support/portal_js.py). Per n, one keystore is made with createKeystore, then
unlocked ROUNDS times in the same Node process (timed inside it, so Node's start is not counted);
the figure is the median, with the fastest and slowest round. Unlocking is what a supplier waits for
before each signature; creating costs the same derivation once. Writes bench/keystore_unlock.json
and prints a table.

    .venv-app/bin/python bench/keystore_unlock.py [--rounds 5] [--exponents 14 15 16 17 18] [--no-write]

Node runs one derivation at a time on one core; the machine's load average is recorded before and
after, since anything else running slows it."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.portal_js import Call, node_missing, ok, run  # noqa: E402

PASSWORD = "a benchmark password"  # noqa: S105 (a throw-away keystore's)
FIGURES = ROOT / "bench" / "keystore_unlock.json"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def measure(exponent: int, rounds: int) -> dict:
    n = 2**exponent
    (made,) = run([Call("keystore.js", "createKeystore", [PASSWORD, {"scrypt": {"n": n}}], repeat=1)])
    keystore = ok(made)["json"]
    (unlocked,) = run([Call("keystore.js", "unlock", [keystore, PASSWORD], repeat=rounds)])
    ok(unlocked)
    ms = unlocked["ms"]
    return {
        "n": n,
        "r": 8,
        "p": 1,
        "memory_mib": 128 * 8 * n / 2**20,
        "create_ms": round(made["ms"][0]),
        "unlock_ms": {
            "median": round(statistics.median(ms)),
            "min": round(min(ms)),
            "max": round(max(ms)),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--exponents", type=int, nargs="+", default=[14, 15, 16, 17, 18])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if reason := node_missing():
        sys.exit(reason)
    load_before = os.getloadavg()
    rows = [measure(e, args.rounds) for e in args.exponents]
    figures = {
        "command": "bench/keystore_unlock.py " + " ".join(sys.argv[1:]),
        "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "rounds": args.rounds,
        "scrypt": rows,
    }
    print(f"{'n':>8} {'MiB':>5} {'create ms':>10} {'unlock ms (min..max)':>24}")
    for row in rows:
        u = row["unlock_ms"]
        span = f"{u['median']} ({u['min']}..{u['max']})"
        print(f"{row['n']:>8} {row['memory_mib']:>5.0f} {row['create_ms']:>10} {span:>24}")
    print(f"node {figures['node']} on {figures['cpu']}, load {figures['load_average_before']}")
    if not args.no_write:
        FIGURES.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
