"""`terang plans import|verify` and `terang sikap import`, run as the data officer runs them: a
migrated database named by TERANG_DATABASE_URL, the local chain and the officer's own key, one line
per outcome, a malformed or tampered file refused whole in one line (exit 1), never a traceback, and
nothing of a refused file stored; a plan row edited in the database after its anchored import is
named by `terang plans verify`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from app.db.migrate import upgrade
from tests.support.localchain import ROOT

HEADER = (
    "kd_rup,kd_satker,nama_paket,pagu,sumber_dana,metode,tahun_anggaran,status_umumkan_rup,status_pdn,"
    "status_ukm"
)
ROW = "52001001,690123,Pengadaan genset,1500000000,APBN,Tender,2026,true,true,false"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'gateway.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="module", autouse=True)
def chain_env(settings, dev_config):
    """The local chain, its manifest and the signers file holding LKPP's data officer (dev:1), for
    every command run here."""
    values = {
        "TERANG_RPC_URL": settings.rpc_url,
        "TERANG_MANIFEST_DIR": str(settings.manifest_dir),
        "TERANG_CHAIN_ID": "31337",
        "TERANG_SIGNERS_FILE": str(settings.signers_file),
        "TERANG_OFFICER": next(g.account for g in dev_config.grants if g.role == "DATA_OFFICER"),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in values.items():
            patch.setenv(name, value)
        yield


def terang(database: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TERANG_DATABASE_URL": database, "TERANG_ENVIRONMENT": "test"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def rows(database: str, table: str) -> list:
    with create_engine(database).connect() as connection:
        return connection.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608 - a fixed name


def test_a_sirup_csv_is_imported_and_a_revision_replaces_the_package(database, tmp_path):
    path = tmp_path / "rup.csv"
    path.write_text(f"{HEADER}\n{ROW}\n")
    ran = terang(database, "plans", "import", str(path), "--agency", "1001")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith(
        "diimpor/imported: 1 paket RUP, instansi/agencies 1001, pagu total Rp1.500.000.000; "
        "ditambatkan/anchored: arsip #"
    )
    path.write_text(f"{HEADER}\n{ROW.replace('1500000000', '1400000000')}\n")
    assert terang(database, "plans", "import", str(path), "--agency", "1001").returncode == 0
    stored = rows(database, "procurement_plans")
    assert [(r.kd_rup, r.pagu, r.agency_id) for r in stored] == [("52001001", 1_400_000_000, 1001)]
    # the earlier version is kept, each import anchored with the file's SHA-256
    versions = rows(database, "plan_versions")
    assert [(v.kd_rup, v.pagu) for v in versions] == [
        ("52001001", 1_500_000_000),
        ("52001001", 1_400_000_000),
    ]
    assert stored[0].version_id == versions[1].id
    assert len({i.chain_archive_id for i in rows(database, "plan_imports")}) == 2
    assert terang(database, "plans", "verify").returncode == 0


def test_a_plan_row_edited_in_the_database_is_named_by_verify(database, tmp_path):
    """An insider raises a pagu straight in the database (the current package, then its version and
    leaf too): `terang plans verify` names the package against the root on chain."""
    path = tmp_path / "rup.csv"
    other = "52001078,690123,Lain,5,APBN,Tender,2026,true,true,false"
    path.write_text(f"{HEADER}\n{ROW.replace('52001001', '52001077')}\n{other}\n")
    assert terang(database, "plans", "import", str(path), "--agency", "1001").returncode == 0
    proven = terang(database, "plans", "verify")
    assert proven.returncode == 0 and "terbukti/proven" in proven.stdout, proven.stdout + proven.stderr
    engine = create_engine(database)
    with engine.begin() as connection:
        connection.execute(text("UPDATE procurement_plans SET pagu = 9000000000 WHERE kd_rup = '52001077'"))
    ran = terang(database, "plans", "verify")
    assert ran.returncode == 1 and "RUP 52001077: differs from its anchored version" in ran.stdout
    with engine.begin() as connection:
        connection.execute(text("UPDATE plan_versions SET pagu = 9000000000 WHERE kd_rup = '52001077'"))
    ran = terang(database, "plans", "verify")
    assert "RUP 52001077: changed since the import" in ran.stdout and ran.returncode == 1
    assert "52001078" not in ran.stdout  # the untouched row is not named
    # the stored leaf rewritten to match: the root on chain still tells
    from app.plans.anchoring import PLAN_KIND
    from app.protocol.archives import canonical, record_leaf

    with engine.begin() as connection:
        version = (
            connection.execute(text("SELECT * FROM plan_versions WHERE kd_rup = '52001077'")).mappings().one()
        )
        fields = {
            k: version[k]
            for k in (
                "kd_rup",
                "kd_satker",
                "agency_id",
                "nama_paket",
                "pagu",
                "sumber_dana",
                "metode",
                "tahun_anggaran",
                "announced",
                "pdn",
                "ukm",
            )
        }
        fields = {
            **fields,
            "announced": bool(fields["announced"]),
            "pdn": bool(fields["pdn"]),
            "ukm": bool(fields["ukm"]),
        }
        leaf = record_leaf(PLAN_KIND, version["position"], canonical(fields))
        connection.execute(
            text("UPDATE plan_versions SET leaf = :leaf WHERE id = :id"), {"leaf": leaf, "id": version["id"]}
        )
    ran = terang(database, "plans", "verify")
    assert ran.returncode == 1 and "the rows do not give the anchored root" in ran.stdout
    with engine.begin() as connection:  # put everything back: the import proves again
        connection.execute(text("UPDATE plan_versions SET pagu = 1500000000 WHERE kd_rup = '52001077'"))
        connection.execute(text("UPDATE procurement_plans SET pagu = 1500000000 WHERE kd_rup = '52001077'"))
        fields["pagu"] = 1_500_000_000
        leaf = record_leaf(PLAN_KIND, version["position"], canonical(fields))
        connection.execute(
            text("UPDATE plan_versions SET leaf = :leaf WHERE id = :id"), {"leaf": leaf, "id": version["id"]}
        )
    assert terang(database, "plans", "verify").returncode == 0


def test_an_import_without_the_data_officers_key_stores_nothing(database, tmp_path):
    path = tmp_path / "rup.csv"
    path.write_text(f"{HEADER}\n{ROW.replace('52001001', '52001099')}\n")
    before = rows(database, "procurement_plans")
    ran = terang(database, "plans", "import", str(path), "--agency", "1001", "--officer", "0x" + "12" * 20)
    assert (
        ran.returncode == 1 and ran.stderr.count("\n") == 1 and "officer's key is unavailable" in ran.stderr
    )
    assert rows(database, "procurement_plans") == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (f"{HEADER}\n{ROW}\n52001002,690123,Lain,1.000.000,APBN,Tender,2026,true,true,false\n", "row 2"),
        (f"{HEADER}\n{ROW}\n{ROW}\n", "kd_rup appears twice"),
        (
            f"{HEADER}\n{ROW.replace(',true,true', ',mungkin,true')}\n",
            "status_umumkan_rup must be true or false",
        ),
        (f"{HEADER}\n{ROW}\n", "agency_id is missing and the import names no agency"),
        ('[{"kd_rup": "1"', "not valid JSON"),
        ("\ufeff", "the file is empty"),
    ],
)
def test_a_malformed_plan_file_is_refused_in_one_line_and_nothing_is_stored(
    database, tmp_path, content, message
):
    path = tmp_path / "rup.csv"
    path.write_text(content)
    before = rows(database, "procurement_plans")
    args = ["plans", "import", str(path)] + (
        [] if "agency_id is missing" in message else ["--agency", "1001"]
    )
    ran = terang(database, *args)
    assert ran.returncode == 1 and ran.stdout == ""
    (line,) = ran.stderr.strip().splitlines()
    assert line.startswith("galat/error: ") and message in line and "Traceback" not in ran.stderr
    assert rows(database, "procurement_plans") == before


def test_a_missing_file_is_one_line(database, tmp_path):
    ran = terang(database, "plans", "import", str(tmp_path / "tidak-ada.csv"))
    assert ran.returncode == 1 and ran.stderr.count("\n") == 1 and "cannot read" in ran.stderr


def test_a_sikap_extract_is_imported_by_keyed_nib_and_a_malformed_one_refused(database, tmp_path):
    extract = [
        {
            "nib": "9120001234567",
            "nama": "PT Bangun",
            "kbli": ["42101"],
            "sbu": [{"kode": "BG004", "berlaku_sampai": "2027-06-30"}],
            "daftar_hitam": [{"mulai": "2026-01-01", "selesai": "2028-01-01", "alasan": "SK uji"}],
        }
    ]
    path = tmp_path / "sikap.json"
    path.write_text(json.dumps(extract))
    ran = terang(database, "sikap", "import", str(path))
    assert ran.returncode == 0, ran.stderr
    assert "1 pelaku usaha/businesses, 2 kualifikasi/qualifications, 1 daftar hitam" in ran.stdout
    stored = rows(database, "sikap_businesses")
    assert len(stored) == 1 and "9120001234567" not in str(stored) and stored[0].nib_hash.startswith("0x")

    tampered = tmp_path / "sikap-salah.csv"
    tampered.write_text(
        "nib,nama,jenis,kode,mulai,sampai,alasan\n9120001234567,PT Bangun,sbu,BG004,,2027-02-30,\n"
    )
    ran = terang(database, "sikap", "import", str(tampered))
    assert (
        ran.returncode == 1 and ran.stderr.count("\n") == 1 and "line 2: sampai is not a date" in ran.stderr
    )
    assert len(rows(database, "sikap_qualifications")) == 2  # the earlier extract stands


def test_the_commands_are_listed_by_terang_help(database):
    ran = terang(database, "--help")
    assert "plans" in ran.stdout and "sikap" in ran.stdout
    assert "blacklist-proposals" in terang(database, "sikap", "--help").stdout
