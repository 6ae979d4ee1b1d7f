"""Importing a signed DTSEN-shaped extract through the gateway, against the direct brownie enrolment
path, side by side on one local chain: families per second, and the CPU seconds of the gateway, the
chain and the sender in each. Writes the "Welfare import" section of docs/performance.md.

    .venv-app/bin/python bench/welfare_import.py [--families 100000] [--seed 7] [--no-write]

Each path runs on a system of its own, set up alike and one after the other: a fresh anvil with
the suite, a gateway process (`python -m app`, its indexer and notice loop running, SQLite), a
committee budget line and a PKH programme, the enroller scoped to every region of the population.
- direct: `brownie run scripts/welfare_enrol_direct.py` enrols the population from the enroller's
  node account, batches of 500, each transaction awaited;
- gateway: the same population as a signed extract (a household id, the head's name and a mobile
  number per family), verified and enrolled by the import command's code
  (app/welfare/registry_import.py), batches of 500 under its deterministic idempotency keys, with
  one batch in flight and then two.
The gateway path keeps what the direct one does not: the keyed name, the household mapping and the
sealed number per family, and its write path's idempotency record per batch."""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402

from app.protocol import welfare as welfarelib  # noqa: E402
from app.welfare import registry_import  # noqa: E402
from bench import doc_section  # noqa: E402
from bench.procstat import cpu_seconds, pid_listening_as  # noqa: E402
from scripts.welfare_families import REGIONS, synthetic_population  # noqa: E402
from tests.support.gateway_process import gateway_process  # noqa: E402
from tests.support.localchain import anvil, deploy_local  # noqa: E402
from toolchain.jsonrpc import rpc  # noqa: E402
from toolchain.pilot.api import Gateway, LocalClock  # noqa: E402
from toolchain.run_local import LOCAL_CHAIN_ID, local_gateway_state  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
SECTION = "## Welfare import"
BATCH = 500
PARALLEL = registry_import.DEFAULT_PARALLEL
ENROLLER = 13  # deploy/local.yaml
BROWNIE = ROOT / ".venv" / "bin" / "brownie"


def define_programme(api: Gateway, clock: LocalClock, rpc_url: str) -> int:
    """The committee's budget line, a PKH programme on it, the enroller scoped to every region."""
    admin = api.token("WELFARE_ADMIN", sub="kemensos-pkh")
    line = {"ceilingPerPeriod": 10**15, "maxBenefit": 3_000_000, "periodLength": welfarelib.QUARTER_SECONDS}
    executed = api.committee_act(api.post("/welfare/budget-lines", line, api.committee_members()[0]), clock)
    (line_id,) = [e["args"]["lineId"] for e in executed["events"] if e["event"] == "BudgetLineApproved"]
    defined = api.post(
        "/welfare/programmes",
        {
            "budgetLine": line_id,
            "name": "PKH (bench)",
            "firstPeriodStart": clock.now() + 3600,
            "periodLength": welfarelib.QUARTER_SECONDS,
            "rules": {
                "deciles": [1, 2, 3, 4],
                "allRegions": True,
                "regions": [],
                "componentCap": welfarelib.PKH_COMPONENT_CAP,
                "budgetPerPeriod": 10**14,
                "componentAmounts": welfarelib.pkh_amounts_per_period(),
            },
        },
        admin,
    )
    programme = defined["programmeId"]
    enroller = rpc(rpc_url, "eth_accounts")[ENROLLER]
    api.put(f"/welfare/programmes/{programme}/enrollers/{enroller}/scope", {"regions": list(REGIONS)}, admin)
    return programme


def extract_of(size: int, seed: int) -> tuple[bytes, bytes, bytes]:
    """The population as a signed extract: the CSV, its signature (base64), the registry's key (PEM)."""
    header = ",".join([*registry_import.COLUMNS, "no_hp"])
    rows = [
        ",".join(
            [f"BENCH-{n:07d}", f.nik, f"Kepala Keluarga {n}", str(f.decile), str(f.region)]
            + [str(c) for c in f.components[:7]]
            + [f"0812{n:08d}"]
        )
        for n, f in enumerate(synthetic_population(size, seed))
    ]
    extract = ("\n".join([header, *rows]) + "\n").encode()
    registry = Ed25519PrivateKey.generate()
    public = registry.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return extract, base64.b64encode(registry.sign(extract)), public


@contextlib.contextmanager
def running_system(folder: Path):
    """A fresh anvil with the suite, a gateway process on it, and one PKH programme the enroller is
    scoped to: (gateway URL, gateway pid, chain pid, manifest, programme, enroller token)."""
    folder.mkdir(parents=True)
    with anvil() as rpc_url:
        manifests = folder / "deployments"
        assert deploy_local(rpc_url, manifests).returncode == 0, "deployment failed"
        manifest = manifests / f"{LOCAL_CHAIN_ID}.json"
        env = {
            "TERANG_RPC_URL": rpc_url,
            "TERANG_CHAIN_ID": str(LOCAL_CHAIN_ID),
            "TERANG_MANIFEST": str(manifest),
            **local_gateway_state(rpc_url, folder / "state"),
        }
        with gateway_process(env, folder / "gateway.log") as (base, gateway):
            api, clock = Gateway(base, folder / "state" / "dev-issuer", rpc_url=rpc_url), LocalClock(rpc_url)
            programme = define_programme(api, clock, rpc_url)
            chain_pid = pid_listening_as("anvil", int(rpc_url.rsplit(":", 1)[1]))
            token = api.token("ENROLLER", sub="dinsos-bench")["Authorization"].removeprefix("Bearer ")
            yield base, gateway.pid, chain_pid, manifest, rpc_url, programme, token


def measure(size: int, seed: int, folder: Path) -> dict:
    """Each path on a system of its own, set up alike, one after the other: neither pays for the
    other's history in the chain or the gateway's tables."""
    extract, signature, public = extract_of(size, seed)
    with running_system(folder / "direct") as (
        _base,
        gateway_pid,
        chain_pid,
        manifest,
        rpc_url,
        programme,
        _,
    ):
        result = folder / "direct.json"
        arguments = [manifest, programme, size, seed, BATCH, result]
        command = [str(BROWNIE), "run", "scripts/welfare_enrol_direct.py", "main", *map(str, arguments)]
        command += ["--network", "terang-local"]
        before = (cpu_seconds(gateway_pid), cpu_seconds(chain_pid))
        sender = subprocess.run(
            command,
            cwd=ROOT,
            env={**os.environ, "TERANG_RPC_URL": rpc_url},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        assert sender.returncode == 0, sender.stdout.decode()[-2000:]
        direct = json.loads(result.read_text())
        direct.update(
            gateway_cpu=cpu_seconds(gateway_pid) - before[0], chain_cpu=cpu_seconds(chain_pid) - before[1]
        )
    through = []
    for parallel in (1, 2):
        with running_system(folder / f"gateway-{parallel}") as (
            base,
            gateway_pid,
            chain_pid,
            _m,
            _u,
            programme,
            token,
        ):
            through.append(
                _through_gateway(
                    base, gateway_pid, chain_pid, programme, extract, signature, public, token, parallel
                )
            )
    return {"size": size, "seed": seed, "direct": direct, "gateway": through}


def _through_gateway(
    base, gateway_pid, chain_pid, programme, extract, signature, public, token, parallel
) -> dict:
    before = (cpu_seconds(gateway_pid), cpu_seconds(chain_pid), time.process_time())
    started = time.perf_counter()
    registry_import.verify(extract, signature, public)
    rows = registry_import.read_families(extract)
    digest = hashlib.sha256(extract).hexdigest()
    with httpx.Client(base_url=base, timeout=600) as client:
        summary = registry_import.enrol_all(client, programme, rows, digest, token, BATCH, parallel=parallel)
    return {
        "parallel": parallel,
        "seconds": time.perf_counter() - started,
        "transactions": len(summary.transactions),
        "enrolled": summary.enrolled,
        "refused": sum(summary.refused.values()),
        "gateway_cpu": cpu_seconds(gateway_pid) - before[0],
        "chain_cpu": cpu_seconds(chain_pid) - before[1],
        "sender_cpu": time.process_time() - before[2],
    }


def write_section(figures: dict) -> None:
    size, direct, gateway = figures["size"], figures["direct"], figures["gateway"]
    rate_direct = size / direct["seconds"]
    rows = (
        f"| direct (brownie, node account) | {size:,} | {direct['transactions']} | {direct['seconds']:.1f} "
        f"| {rate_direct:,.0f} | 100% | {direct['chain_cpu']:.1f} | {direct['gateway_cpu']:.1f} |\n"
    )
    for g in gateway:
        rate = size / g["seconds"]
        rows += (
            f"| gateway (signed extract, import command, {g['parallel']} in flight) | {size:,} "
            f"| {g['transactions']} | {g['seconds']:.1f} | {rate:,.0f} | {rate / rate_direct:.0%} "
            f"| {g['chain_cpu']:.1f} | {g['gateway_cpu']:.1f} |\n"
        )
    default = next(g for g in gateway if g["parallel"] == registry_import.DEFAULT_PARALLEL)
    share = (size / default["seconds"]) / rate_direct
    verdict = "met" if share >= 0.8 else "NOT met"
    body = (
        f"{SECTION}\n\n"
        "A signed DTSEN-shaped extract enrolled through the gateway against the direct brownie path, "
        "in one run, each path on a fresh local anvil with its own gateway process (its indexer and "
        "notice loop running, SQLite), set up alike, batches of 500, written by "
        f"`.venv-app/bin/python bench/welfare_import.py --families {size} --seed {figures['seed']}`. "
        "The direct path sends each batch from the enroller's node account and awaits it (as brownie "
        "does); the gateway path also keeps each family's keyed name, household and sealed mobile "
        "number, an idempotency record per batch and the enrolment's source. The same population goes "
        "through each path.\n\n"
        "| path | families | transactions | seconds | families/s | of direct | chain CPU s "
        "| gateway CPU s |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        f"{rows}\n"
        f"With its default of {default['parallel']} batches in flight the import command reaches "
        f"**{share:.0%}** of the direct path's throughput (target at least 80%: {verdict}); it enrolled "
        f"{default['enrolled']:,} and refused {default['refused']:,}. The importing process itself used "
        f"{default['sender_cpu']:.1f} CPU s. During the direct path the gateway's CPU is its indexer and "
        "notice loop following the chain. Before this was measured, the gateway kept each family's "
        "records with a read and a write per row and decoded the outcomes through web3's event "
        "decoding: a 500-family call spent about 0.6 s on the first and 0.23 s on the second (profiled "
        "in-process); one INSERT ... ON CONFLICT per table and reading the outcomes by topic brought "
        "them to about 0.03 s and 0.002 s.\n\n"
        f"Measured {datetime.date.today().isoformat()} on {platform.machine()} with Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs shared by the chain, the gateway and the "
        "sender.\n"
    )
    doc_section.write_section(DOC, SECTION, body)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = measure(args.families, args.seed, Path(folder))
    d = figures["direct"]
    print(f"direct: {args.families / d['seconds']:.0f} families/s ({d['seconds']:.1f} s)")
    for g in figures["gateway"]:
        print(
            f"gateway, {g['parallel']} in flight: {args.families / g['seconds']:.0f} families/s "
            f"({g['seconds']:.1f} s)"
        )
    if not args.no_write:
        write_section(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
