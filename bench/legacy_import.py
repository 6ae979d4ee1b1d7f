"""Importing a legacy archive of synthetic OCDS releases with `terang archive import`, anchoring its
root on a local chain and proving every record with `terang archive verify --all`: records per second,
the importing process's peak RSS at 10,000 and at 100,000 records (flat memory: the file is streamed,
records stored in batches, the tree built level by level from the database), and the verify time.
Writes the "Legacy import" section of docs/performance.md.

    .venv-app/bin/python bench/legacy_import.py [--records 100000] [--small 10000] [--no-write]

Each size runs in a process of its own (VmHWM, its peak resident memory, is its own), on one fresh
anvil with the suite deployed, SQLite in a temporary folder. The releases are deterministic (record n
is the same in every run)."""

from __future__ import annotations

import argparse
import datetime
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

from bench.procstat import peak_rss_mib  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
SECTION = "## Legacy import"


def synthetic_release(n: int) -> dict:
    """Record n of the synthetic archive: a past tender with its award, integer rupiah."""
    agency = 1000 + n % 517
    hps = 50_000_000 + (n * 7_919) % 9_000_000_000
    return {
        "ocid": f"ocds-abc123-{2015 + n % 8}-{n:07d}",
        "id": f"spse-{n}",
        "date": f"{2015 + n % 8}-{1 + n % 12:02d}-{1 + n % 28:02d}T00:00:00Z",
        "tag": ["tender", "award"],
        "initiationType": "tender",
        "language": "id",
        "buyer": {"id": f"SPSE-INSTANSI-{agency}", "name": f"Satuan Kerja {agency}"},
        "tender": {
            "id": str(n),
            "title": f"Pengadaan paket pekerjaan nomor {n}",
            "status": "complete",
            "procurementMethod": "open",
            "value": {"amount": hps, "currency": "IDR"},
        },
        "awards": [
            {
                "id": f"spse-{n}-award",
                "status": "active",
                "suppliers": [{"id": f"SPSE-PENYEDIA-{n % 20_011}", "name": f"CV Penyedia {n % 20_011}"}],
                "value": {"amount": hps * 93 // 100, "currency": "IDR"},
            }
        ],
    }


def write_archive(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(1, count + 1):
            out.write(json.dumps(synthetic_release(n), ensure_ascii=False) + "\n")


def worker(args: argparse.Namespace) -> int:
    """One size, in this process: import + anchor, then verify --all; prints JSON figures."""
    from typer.testing import CliRunner

    from app.archives.cli import app as cli

    runner = CliRunner()
    started = time.perf_counter()
    done = runner.invoke(
        cli, ["import", args.file, "--name", args.name, "--source", "ocds", "--period", "2015-2022"]
    )
    imported = time.perf_counter() - started
    if done.exit_code != 0:
        print(done.output, file=sys.stderr)
        return 1
    peak_import = round(peak_rss_mib() * 1024)
    # verify --all's own code (app/archives/verify.py), its per-record lines counted, not kept
    from app.archives import chain, verify
    from app.archives.importer import archive_by
    from app.config import get_settings
    from app.db.session import make_engine
    from app.ledger.client import connect

    settings = get_settings()
    engine = make_engine(settings.database_url)
    started = time.perf_counter()
    archive = archive_by(engine, args.name)
    on_chain = chain.read(connect(settings), archive.chain_archive_id)
    summary = verify.verify_all(engine, archive, on_chain.root, on_chain.record_count, lambda result: None)
    verified = time.perf_counter() - started
    if summary.failed or not summary.root_matches:
        print(f"verify failed: {summary}", file=sys.stderr)
        return 1
    peak = round(peak_rss_mib() * 1024)
    print(
        json.dumps(
            {"import_s": imported, "verify_s": verified, "rss_import_kib": peak_import, "rss_kib": peak}
        )
    )
    return 0


def measure(count: int, folder: Path, env: dict[str, str]) -> dict:
    source = folder / f"archive-{count}.jsonl"
    write_archive(source, count)
    database = folder / f"archives-{count}.db"
    run_env = {**env, "TERANG_DATABASE_URL": f"sqlite:///{database}"}
    from app.db.migrate import upgrade

    upgrade(run_env["TERANG_DATABASE_URL"], "0023")
    ran = subprocess.run(
        [sys.executable, __file__, "--worker", "--file", str(source), "--name", f"bench-{count}"],
        env=run_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if ran.returncode != 0:
        raise SystemExit(f"bench worker for {count} records failed: {ran.stderr[-2000:]}")
    figures = json.loads(ran.stdout.strip().splitlines()[-1])
    figures.update(
        records=count, file_mib=source.stat().st_size / 2**20, db_mib=database.stat().st_size / 2**20
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    from tests.support.localchain import anvil, deploy_local
    from toolchain.deploy_config import load_deploy_config
    from toolchain.dev_signers import write_signers
    from toolchain.jsonrpc import rpc

    with tempfile.TemporaryDirectory() as tmp, anvil() as url:
        folder = Path(tmp)
        deployed = deploy_local(url, folder / "deployments")
        if deployed.returncode != 0:
            raise SystemExit(f"deployment failed: {deployed.stderr[-2000:]}")
        signers = write_signers(url, folder / "signers")
        config = load_deploy_config(ROOT / "deploy" / "local.yaml", rpc(url, "eth_accounts"))
        officer = next(g.account for g in config.grants if g.role == "DATA_OFFICER")
        env = {
            **os.environ,
            "TERANG_RPC_URL": url,
            "TERANG_MANIFEST_DIR": str(folder / "deployments"),
            "TERANG_SIGNERS_FILE": str(signers),
            "TERANG_ENVIRONMENT": "test",
            "TERANG_OFFICER": officer,
        }
        rows = [measure(count, folder, env) for count in (args.small, args.records)]

    table = [
        "| records | source file MiB | import + anchor s | records/s | peak RSS MiB | verify --all s "
        "| database MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        table.append(
            f"| {row['records']:,} | {row['file_mib']:.1f} | {row['import_s']:.1f} | "
            f"{row['records'] / row['import_s']:,.0f} | {row['rss_kib'] / 1024:.0f} | "
            f"{row['verify_s']:.1f} | "
            f"{row['db_mib']:.0f} |"
        )
    small, large = rows
    body = "\n".join(
        [
            SECTION,
            "",
            "A synthetic archive of OCDS releases (deterministic, one past tender with its award per line) "
            "imported with `terang archive import` (checked, stored in batches of 2,000, Merkle tree built "
            "level by level from the database, root anchored on chain by the data officer), then every "
            "record proven with `terang archive verify --all` against the root read from the chain; each "
            "size in a process of its own on one fresh anvil with the suite, SQLite; written by "
            f"`.venv-app/bin/python bench/legacy_import.py --records {args.records} --small {args.small}`.",
            "",
            *table,
            "",
            "Peak RSS (VmHWM of the importing process, import and verify) is "
            f"{small['rss_kib'] / 1024:.0f} MiB "
            f"at {small['records']:,} records and {large['rss_kib'] / 1024:.0f} MiB at {large['records']:,}: "
            "memory does not grow with the archive (the file is streamed twice, once to hash and check, once "
            "to store; the tree is read and written a chunk at a time; verify folds leaves into a root "
            "holding one node per level).",
            "",
            f"Measured {datetime.date.today().isoformat()} on {platform.machine()} with Python "
            f"{platform.python_version()}, {os.cpu_count()} CPUs shared by the chain and the importer.",
            "",
        ]
    )
    print(body)
    if not args.no_write:
        from bench import doc_section

        doc_section.write_section(DOC, SECTION, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
