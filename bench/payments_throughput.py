"""Payment bridge throughput: instructions paid and settled per second, end to end, on a local
chain with the fake provider (no injected faults), on SQLite and on PostgreSQL. Writes the
"Payment bridge" section of docs/performance.md.

    .venv-app/bin/python bench/payments_throughput.py [--instructions 1000] [--provider xendit|iris]
        [--databases sqlite,postgresql] [--no-write]

For each database: a fresh anvil gets the suite (scripts/deploy.py) and the test-only source
contract; the instructions are authorised before the clock starts. Then
`python -m app.payments.bridge` runs as its own process against a gateway process that receives the
provider's callbacks, both on one database (a SQLite file, or a throw-away PostgreSQL server from
tests/support/postgres.py); the clock stops when the chain shows every instruction Settled."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.auth import devissuer  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db.migrate import upgrade  # noqa: E402
from app.db.session import make_engine, make_session_factory  # noqa: E402
from app.indexer.node import Node  # noqa: E402
from app.keyring.keyring import keyring_for  # noqa: E402
from app.payments.accounts import AccountDetails, save_account  # noqa: E402
from app.payments.ledger import SETTLED, PaymentsLedger  # noqa: E402
from app.protocol.manifest import load_manifest, manifest_path  # noqa: E402
from bench import doc_section  # noqa: E402
from tests.support.gateway_process import gateway_process  # noqa: E402
from tests.support.localchain import anvil, deploy_local  # noqa: E402
from tests.support.payments import authorize_many, deploy_source, fake_provider, payee, web3_for  # noqa: E402
from tests.support.postgres import postgres_server  # noqa: E402
from toolchain.dev_signers import write_signers  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
SECTION = "## Payment bridge"


@contextlib.contextmanager
def database_url(kind: str, folder: Path):
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
    else:
        with postgres_server() as url:
            yield url


def measure(count: int, provider: str, kind: str, folder: Path) -> dict:
    with anvil() as url, database_url(kind, folder) as database:
        deployed = deploy_local(url, folder)
        if deployed.returncode != 0:
            raise SystemExit(deployed.stdout[-2000:] + deployed.stderr[-2000:])
        manifest = load_manifest(manifest_path(folder, 31337))
        devissuer.ensure_keys(folder / "issuer")
        upgrade(database)
        env = {
            "TERANG_RPC_URL": url,
            "TERANG_MANIFEST_DIR": str(folder),
            "TERANG_CHAIN_ID": "31337",
            "TERANG_ENVIRONMENT": "test",
            "TERANG_DATABASE_URL": database,
            "TERANG_JWT_PUBLIC_KEY_FILE": str(folder / "issuer" / "public.pem"),
            "TERANG_SIGNERS_FILE": str(write_signers(url, folder / "signers")),
            "TERANG_INDEXER_ENABLED": "false",
            "TERANG_PAYMENTS_PROVIDER": provider,
        }
        settings = Settings(**{k[len("TERANG_") :].lower(): v for k, v in env.items()})
        engine = make_engine(database)
        sessions = make_session_factory(engine)
        payees = [payee(f"bench-{i}") for i in range(100)]
        with sessions.begin() as session:
            for i, key in enumerate(payees):
                details = AccountDetails(
                    channelCode="ID_BRI", accountNumber=f"55{i:08d}", accountHolderName=f"UD {i}"
                )
                save_account(session, keyring_for(settings), key, details, "bench")
        w3 = web3_for(url)
        source, payments = deploy_source(w3, manifest)
        ids = authorize_many(
            w3, source, payments, [payees[i % 100] for i in range(count)], [1_000_000] * count, 1
        )
        ledger = PaymentsLedger(payments, Node(url), None, None)
        with (
            gateway_process(env, folder / "gateway.log") as (gateway, _),
            fake_provider(gateway, {"complete_max_seconds": 0.2}, folder / "provider.log") as provider_url,
        ):
            env["TERANG_PAYMENTS_PROVIDER_URL"] = provider_url
            with (folder / "bridge.log").open("ab") as log:
                load = os.getloadavg()[0]
                started = time.monotonic()
                bridge = subprocess.Popen(
                    [sys.executable, "-m", "app.payments.bridge"],
                    cwd=ROOT,
                    env={**os.environ, **env},
                    stdout=log,
                    stderr=log,
                )
                try:
                    while sum(1 for i in ledger.instructions(ids).values() if i.status == SETTLED) < count:
                        if time.monotonic() - started > 1200:
                            raise SystemExit("not all settled within 20 minutes")
                        time.sleep(0.2)
                    elapsed = time.monotonic() - started
                finally:
                    bridge.terminate()
                    bridge.wait(timeout=30)
        engine.dispose()
    return {
        "database": kind,
        "count": count,
        "provider": provider,
        "seconds": elapsed,
        "rate": count / elapsed,
        "load": load,
    }


def write_section(results: list[dict], load: tuple[float, float, float]) -> None:
    rows = "".join(
        f"| {r['database']} | {r['provider']} | {r['count']} | {r['seconds']:.1f} | {r['rate']:.1f} "
        f"| {r['load']:.1f} |\n"
        for r in results
    )
    databases = ",".join(r["database"] for r in results)
    body = (
        f"{SECTION}\n\n"
        "Instructions paid and settled per second, end to end: `PaymentAuthorized` on a local anvil "
        "(automine) -> outbox -> payout at the fake provider (loopback, no injected faults, outcome "
        "after 0-0.2 s) -> callback to a gateway process -> status check -> `settle` sent by the "
        "TREASURY signer through the transaction manager -> receipt. Bridge as its own process, one "
        "database shared with the gateway (SQLite file in WAL mode, or PostgreSQL); the clock "
        "includes the bridge's start-up.\n\n"
        "| database | provider shape | instructions | seconds | instructions/s | load average at start |\n"
        "|---|---|---:|---:|---:|---:|\n"
        f"{rows}\n"
        f"Measured {datetime.date.today().isoformat()} on {platform.machine()} with Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs shared with other work (1-minute load "
        f"average in the table; {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} when the run ended): "
        f"`.venv-app/bin/python bench/payments_throughput.py --instructions {results[0]['count']} "
        f"--provider {results[0]['provider']} --databases {databases}`. PostgreSQL is a throw-away "
        "local server (tests/support/postgres.py) with its default durability (fsync, synchronous "
        "commit); SQLite commits without fsync (synchronous=NORMAL, see app/payments/bridge.py).\n\n"
        "How the bridge gets there: each round's payouts are split over the workers in chunks of "
        "eight, one commit marking a chunk `requesting` and one recording its answers (a kill loses at "
        "most the answers of the chunks in flight, asked for again with the same idempotency keys); "
        "status checks commit per chunk too; settlements are sent side by side from the workers (each "
        "holds the signer's nonce lock only to pick its nonce) and then awaited side by side. On "
        "SQLite the bridge's threads take turns with the database on a Python lock instead of "
        "SQLite's busy handler, whose sleeps of up to 100 ms left the workers mostly asleep. The "
        "earlier figure, every step its own commit and settlements sent one by one, was 9.3 "
        "instructions/s on SQLite. What remains: the bridge process runs at one full core (Python's "
        "interpreter lock), most of it the transaction manager's work per settlement (gas estimate, "
        "fee, nonce and receipt reads through web3, and signing in pure Python, about 3.8 ms a "
        "signature with eth-keys' native backend; coincurve would cut that). On two shared CPUs the "
        "database is not what limits it: PostgreSQL, which also syncs every commit to disk, is no "
        "faster than SQLite here. On chain "
        "each settlement is one transaction (about 49k gas), so a chain with block times is bounded "
        "by gas per block.\n"
    )
    doc_section.write_section(DOC, SECTION, body)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instructions", type=int, default=1000)
    parser.add_argument("--provider", choices=("xendit", "iris"), default="xendit")
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    results = []
    for kind in args.databases.split(","):
        if kind not in ("sqlite", "postgresql"):
            parser.error(f"unknown database {kind!r}")
        with tempfile.TemporaryDirectory() as folder:
            result = measure(args.instructions, args.provider, kind, Path(folder))
        print(
            f"{kind}: {result['count']} instructions in {result['seconds']:.1f} s: {result['rate']:.1f}/s "
            f"(load average {result['load']:.1f} at the start)"
        )
        results.append(result)
    if not args.no_write:
        write_section(results, os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
