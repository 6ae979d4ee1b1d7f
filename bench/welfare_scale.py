"""Wall-clock time to enrol and pay a synthetic population on a local anvil, extrapolated to 20 million
families per quarter; writes the "Welfare" section of docs/performance.md (other sections untouched).

    SOLCX_BINARY_PATH=$PWD/.solcx PATH=$PWD/node_modules/.bin:$PATH \\
        .venv/bin/python bench/welfare_scale.py --size 100000 --seed 7

Runs scripts/welfare_population.py in-process on a fresh anvil launched by brownie on a free port
(never attaching to a chain already running), and measures each phase with a monotonic clock.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BLOCK_GAS = 30_000_000
TARGET_FAMILIES = 20_000_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _connect():
    from brownie import network, project
    from brownie._config import CONFIG

    loaded = project.load(str(ROOT), name="TerangWelfareBench")
    loaded.load_config()
    loaded._add_to_main_namespace()  # `from brownie import WelfarePrograms`, as under `brownie run`
    CONFIG.networks["terang-anvil"]["cmd_settings"]["port"] = _free_port()
    network.connect("terang-anvil")
    return loaded


def _section(figures: dict, machine: str) -> str:
    size, paid = figures["size"], figures["paid"]
    enrol_s, pay_s = figures["enrol_seconds"], figures["pay_seconds"]
    scale = TARGET_FAMILIES / paid
    pay_gas_line = figures["pay_gas_per_beneficiary"]
    enrol_gas_line = figures["enrol_gas"] / size
    quarter_gas = TARGET_FAMILIES * pay_gas_line
    enrol_gas_total = TARGET_FAMILIES * enrol_gas_line
    lines = [
        "## Welfare",
        "",
        "Enrolment and one period's disbursement of a synthetic PKH population on a local anvil, measured by",
        f"`.venv/bin/python bench/welfare_scale.py --size {size} --seed {figures['seed']}` (written by the",
        "script, not by hand; it runs scripts/welfare_population.py: realistic decile and component mix,",
        f"batches of {figures['batch']} keys, one transaction per batch, each waited for by brownie).",
        "",
        f"Machine: {machine}.",
        "",
        "| phase | families | transactions | seconds | families/s | gas per family |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| enrol (incl. refusals) | {size:,} | {-(-size // figures['batch']):,} | {enrol_s:,.1f} |"
        f" {size / enrol_s:,.0f} | {enrol_gas_line:,.0f} |",
        f"| pay period 0 | {paid:,} | {figures['pay_batches']:,} | {pay_s:,.1f} | {paid / pay_s:,.0f} |"
        f" {pay_gas_line:,.0f} |",
        "",
        f"Enrolled {figures['enrolled']:,} of {size:,} applicants; refused: "
        + ", ".join(f"{reason} {count:,}" for reason, count in sorted(figures["refused"].items()))
        + f". Paid Rp{figures['total_rupiah']:,} in total.",
        "",
        "Extrapolation to 20 million families per quarter (linear: every batch costs the same, and the",
        "contract keeps no per-period list that grows with the population):",
        "",
        f"- Paying: {quarter_gas / 1e9:,.0f} billion gas = {quarter_gas / BLOCK_GAS:,.0f} full 30M-gas"
        " blocks;"
        f" on this local anvil {pay_s * scale / 3600:,.1f} hours of wall-clock"
        f" ({pay_s * scale / 86400:,.2f} days) — well inside a quarter. At one 30M-gas block every 2 s"
        f" (a QBFT consortium) {quarter_gas / BLOCK_GAS * 2 / 3600:,.1f} hours; every 12 s"
        f" {quarter_gas / BLOCK_GAS * 12 / 3600:,.1f} hours.",
        "- Enrolling 20 million applicants (once, then updates only):"
        f" {enrol_gas_total / 1e9:,.0f} billion gas"
        f" = {enrol_gas_total / BLOCK_GAS:,.0f} blocks; on this anvil"
        f" {enrol_s * TARGET_FAMILIES / size / 3600:,.1f} hours.",
        "- The wall-clock figures include brownie's per-transaction overhead (receipt wait, event decoding",
        "  of 500 events); a sender that pipelines transactions is faster. Several programme ids or",
        "  regions can be paid in parallel by different welfare-admin keys (one nonce stream each).",
        "",
    ]
    return "\n".join(lines)


def _write_section(section: str) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text() if path.exists() else "# Performance\n\nMeasured by commands, never by hand.\n"
    pattern = re.compile(r"^## Welfare\n.*?(?=^## |\Z)", re.S | re.M)
    found = pattern.search(text)
    text = pattern.sub(section, text) if found else text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument(
        "--figures", help="re-render the section from a JSON file of an earlier run's figures"
    )
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.figures:
        figures = json.loads(Path(args.figures).read_text())
        machine = figures.pop("machine")
        section = _section(figures, machine)
        print(section)
        if not args.no_write:
            _write_section(section)
        return
    _connect()
    from brownie import accounts

    from scripts.deploy import deploy_suite
    from scripts.welfare_population import run
    from toolchain.deploy_config import load_deploy_config

    suite = deploy_suite(
        accounts[0], load_deploy_config(ROOT / "deploy" / "local.yaml", [str(a) for a in accounts])
    )
    figures = run(suite, args.size, args.seed, args.batch)
    machine = (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()},"
        f" {datetime.date.today().isoformat()}"
    )
    print(json.dumps({**figures, "machine": machine}, indent=2))
    section = _section(figures, machine)
    print(section)
    if not args.no_write:
        record = json.dumps({**figures, "machine": machine}, indent=2) + "\n"
        (ROOT / "bench" / "welfare_scale.json").write_text(record)
        _write_section(section)
        print("wrote bench/welfare_scale.json and the Welfare section of docs/performance.md")


if __name__ == "__main__":
    main()
