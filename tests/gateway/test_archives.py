"""Imported archives (app/archives, `terang archive`): a data officer imports an OCDS archive or an
SPSE export, its Merkle root is anchored on a real local chain (contracts/Archives.sol) and every
record proves against the root read back from the chain. The attacks: an insider changing an amount
in the database (alone, or with its stored leaf), a tampered copy of the source file, an agency
officer anchoring an archive, a different file imported under an existing name; an interrupted import
resumes to the same root; malformed input is refused in one line before anything is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from app.archives.cli import app as archive_cli
from app.archives.importer import import_archive
from app.archives.models import ArchiveRecord
from app.catalogue.schemas import OrderIn
from app.db.migrate import upgrade
from app.db.session import make_engine
from app.ledger.client import connect
from app.protocol import merkle
from app.protocol.archives import canonical, record_leaf
from app.tenders.schemas import Announcement
from toolchain.jsonrpc import rpc

PREFIX = "ocds-terang"
HEADER = (
    "kode_tender,nama_paket,kode_instansi,nama_instansi,tahun_anggaran,metode_pengadaan,pagu,hps,"
    "tanggal_pengumuman,status_tender,nama_pemenang,nilai_kontrak,tanggal_kontrak"
)


def release(n: int) -> dict:
    return {
        "ocid": f"ocds-abc123-2019-{n:05d}",
        "id": f"rilis-{n}",
        "date": "2019-03-01T00:00:00Z",
        "tag": ["award"],
        "initiationType": "tender",
        "tender": {
            "id": str(n),
            "title": f"Pembangunan jembatan desa {n}",
            "value": {"amount": 1_000_000 * n},
        },
        "awards": [{"id": f"a{n}", "value": {"amount": 900_000 * n, "currency": "IDR"}}],
    }


def write_jsonl(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps(release(n)) + "\n" for n in range(1, count + 1)))
    return path


def write_csv(path: Path, count: int) -> Path:
    rows = [
        f"{1000 + n},Rehabilitasi gedung sekolah {n},D{n % 3},Dinas Pendidikan,2020,Tender,"
        f"{5_000_000 * n},{4_800_000 * n},2020-02-{(n % 27) + 1:02d},selesai,CV Maju {n},"
        f"{4_500_000 * n},2020-04-01"
        for n in range(1, count + 1)
    ]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture()
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'archives.db'}"
    upgrade(url, "0023")  # this domain's tables (other domains' migrations may branch from 0022 meanwhile)
    return url


@pytest.fixture()
def env(settings, database, dev_config):
    officer = next(g.account for g in dev_config.grants if g.role == "DATA_OFFICER")
    return {
        "TERANG_DATABASE_URL": database,
        "TERANG_RPC_URL": settings.rpc_url,
        "TERANG_MANIFEST_DIR": str(settings.manifest_dir),
        "TERANG_CHAIN_ID": "31337",
        "TERANG_SIGNERS_FILE": str(settings.signers_file),
        "TERANG_ENVIRONMENT": "test",
        "TERANG_OFFICER": officer,
    }


def run(env: dict, *args: str):
    return CliRunner().invoke(archive_cli, list(args), env=env)


def chain_archive(settings, archive_id: int):
    root, metadata_hash, count, _, officer, kind = (
        connect(settings).contract("Archives").functions.getArchive(archive_id).call()
    )
    return bytes(root), bytes(metadata_hash), count, officer, kind


def chain_count(settings) -> int:
    return connect(settings).contract("Archives").functions.archiveCount().call()


def test_an_ocds_archive_is_imported_anchored_and_every_record_proves(tmp_path, env, settings, database):
    source = write_jsonl(tmp_path / "spse-2019.jsonl", 37)
    done = run(env, "import", str(source), "--name", "spse-2019", "--source", "ocds", "--period", "2019")
    assert done.exit_code == 0, done.output
    assert "37 rekaman/records" in done.output and "ditambatkan/anchored: arsip #" in done.output
    archive_id = int(done.output.split("arsip #")[1].split()[0])

    # The root on chain is the root of the file's records, hashed again here from the file itself.
    leaves = [
        record_leaf(0, i, canonical(json.loads(line)))
        for i, line in enumerate(source.read_text().splitlines())
    ]
    root, metadata_hash, count, officer, kind = chain_archive(settings, archive_id)
    assert (root, count, kind) == (merkle.root(leaves), 37, 0)
    assert officer.lower() == env["TERANG_OFFICER"].lower() and metadata_hash != b"\x00" * 32

    proven = run(env, "verify", "spse-2019", "--all")
    assert proven.exit_code == 0, proven.output
    assert proven.output.count("\nok #") + proven.output.startswith("ok #") == 37
    assert "terbukti/proven: 37" in proven.output
    one = run(env, "verify", str(archive_id), "--ocid", "ocds-abc123-2019-00005")
    assert one.exit_code == 0 and "ok #4 (baris/line 5) ocds-abc123-2019-00005" in one.output
    assert run(env, "verify", "spse-2019", "--file", str(source)).exit_code == 0


def test_a_changed_amount_in_the_database_fails_verify_and_names_the_record(tmp_path, env, database):
    source = write_jsonl(tmp_path / "a.jsonl", 20)
    assert run(env, "import", str(source), "--name", "ubah-db", "--source", "ocds").exit_code == 0
    engine = make_engine(database)
    with engine.begin() as connection:
        stored = connection.execute(
            select(ArchiveRecord.canonical).where(ArchiveRecord.ocid == "ocds-abc123-2019-00007")
        ).scalar_one()
        connection.execute(
            update(ArchiveRecord)
            .where(ArchiveRecord.ocid == "ocds-abc123-2019-00007")
            .values(canonical=stored.replace("6300000", "9300000"))
        )
    everything = run(env, "verify", "ubah-db", "--all")
    assert everything.exit_code == 1
    assert "DIUBAH/TAMPERED #6 (baris/line 7) ocds-abc123-2019-00007" in everything.output
    assert everything.output.count("DIUBAH/TAMPERED") == 1
    one = run(env, "verify", "ubah-db", "--ocid", "ocds-abc123-2019-00007")
    assert one.exit_code == 1 and "DIUBAH/TAMPERED #6" in one.output
    assert run(env, "verify", "ubah-db", "--ocid", "ocds-abc123-2019-00008").exit_code == 0


def test_changing_a_record_with_its_stored_leaf_still_fails_against_the_chain(tmp_path, env, database):
    source = write_jsonl(tmp_path / "b.jsonl", 9)
    assert run(env, "import", str(source), "--name", "ubah-daun", "--source", "ocds").exit_code == 0
    forged = release(3) | {"awards": [{"id": "a3", "value": {"amount": 1, "currency": "IDR"}}]}
    engine = make_engine(database)
    with engine.begin() as connection:
        connection.execute(
            update(ArchiveRecord)
            .where(ArchiveRecord.position == 2)
            .values(canonical=canonical(forged).decode(), leaf=record_leaf(0, 2, canonical(forged)))
        )
    everything = run(env, "verify", "ubah-daun", "--all")
    assert everything.exit_code == 1 and "ocds-abc123-2019-00003" in everything.output
    one = run(env, "verify", "ubah-daun", "--ocid", "ocds-abc123-2019-00003")
    assert one.exit_code == 1 and "DIUBAH/TAMPERED #2" in one.output


def test_a_tampered_file_fails_verify_and_names_the_line(tmp_path, env):
    source = write_jsonl(tmp_path / "c.jsonl", 12)
    assert run(env, "import", str(source), "--name", "berkas", "--source", "ocds").exit_code == 0
    lines = source.read_text().splitlines()
    lines[10] = lines[10].replace("9900000", "9900001")
    tampered = tmp_path / "c-tampered.jsonl"
    tampered.write_text("\n".join(lines) + "\n")
    checked = run(env, "verify", "berkas", "--file", str(tampered))
    assert checked.exit_code == 1
    assert "DIUBAH/TAMPERED #10 (baris/line 11) ocds-abc123-2019-00011" in checked.output
    assert checked.output.count("DIUBAH/TAMPERED") == 1


def test_an_spse_export_is_mapped_to_marked_ocds_releases_and_proves(tmp_path, env, database):
    source = write_csv(tmp_path / "spse.csv", 25)
    done = run(env, "import", str(source), "--name", "spse-2020", "--source", "spse", "--period", "2020")
    assert done.exit_code == 0, done.output
    engine = make_engine(database)
    with engine.connect() as connection:
        first = json.loads(
            connection.execute(
                select(ArchiveRecord.canonical).where(ArchiveRecord.position == 0)
            ).scalar_one()
        )
    assert first["ocid"] == f"{PREFIX}-spse-1001" and first["terangImport"]["sourceSystem"] == "SPSE"
    assert first["tender"]["value"] == {"amount": 4_800_000, "currency": "IDR"}
    assert first["tag"] == ["tender", "award", "contract"]
    assert run(env, "verify", "spse-2020", "--all").exit_code == 0
    assert run(env, "verify", "spse-2020", "--file", str(source)).exit_code == 0


def test_an_interrupted_import_resumes_to_the_same_root(tmp_path, env, settings, database):
    source = write_jsonl(tmp_path / "d.jsonl", 5_000)
    engine = make_engine(database)

    class Interrupted(Exception):
        pass

    def stop(stage: str, done: int, total: int) -> None:
        if stage == "import" and done >= 2_000:
            raise Interrupted

    with pytest.raises(Interrupted):
        import_archive(engine, source, "lanjut", "ocds", PREFIX, progress=stop)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT status, lines_done, record_count FROM archives")).one()
    assert tuple(stored) == ("importing", 2_000, 2_000)

    resumed = run(env, "import", str(source), "--name", "lanjut", "--source", "ocds")
    assert resumed.exit_code == 0, resumed.output
    assert "dilanjutkan dari baris 2000" in resumed.output
    fresh = import_archive(engine, source, "sekaligus", "ocds", PREFIX)
    archive_id = int(resumed.output.split("arsip #")[1].split()[0])
    assert chain_archive(settings, archive_id)[0] == fresh.root
    assert chain_archive(settings, archive_id)[2] == 5_000


def test_another_file_under_an_existing_name_is_refused(tmp_path, env):
    assert (
        run(
            env, "import", str(write_jsonl(tmp_path / "e.jsonl", 3)), "--name", "x", "--source", "ocds"
        ).exit_code
        == 0
    )
    other = run(env, "import", str(write_jsonl(tmp_path / "f.jsonl", 4)), "--name", "x", "--source", "ocds")
    assert other.exit_code == 1
    assert "sudah diimpor dari berkas lain" in other.output and "Traceback" not in other.output


def test_an_agency_officer_cannot_anchor(tmp_path, env, settings, dev_config):
    agency_officer = next(g.account for g in dev_config.grants if g.role == "AGENCY_OFFICER")
    before = chain_count(settings)
    refused = run(
        {**env, "TERANG_OFFICER": agency_officer},
        "import",
        str(write_jsonl(tmp_path / "g.jsonl", 3)),
        "--name",
        "bukan-petugas-data",
        "--source",
        "ocds",
    )
    assert refused.exit_code == 1
    assert "AccessManagedUnauthorized" in refused.output and "bukan petugas data" in refused.output
    assert len(refused.output.strip().splitlines()) == 2  # the import line, then the one-line refusal
    assert chain_count(settings) == before


@pytest.mark.parametrize(
    ("source", "content", "message"),
    [
        (
            "ocds",
            '{"ocid": "ocds-abc123-1", "id": "1", "date": "2019-01-01T00:00:00Z"}\n{not json\n',
            "baris 2: bukan JSON yang sah",
        ),
        ("ocds", '{"id": "1"}\n', "baris 1: ocid tidak ada atau tidak sah"),
        ("ocds", "[1, 2]\n", "baris 1: bukan objek rilis OCDS"),
        ("ocds", "", "tidak ada rekaman"),
        ("spse", "kode_tender,nama_paket\n1,a\n", "kolom hilang"),
        (
            "spse",
            HEADER + "\n7,Paket,D1,Dinas,2020,Tender,12.5,10,2020-01-01,selesai,,,\n",
            "baris 2: pagu harus",
        ),
        (
            "spse",
            HEADER + "\n7,Paket,D1,Dinas,2020,Tender,12,10,01/01/2020,selesai,,,\n",
            "tanggal_pengumuman",
        ),
    ],
    ids=["bad-json", "no-ocid", "not-object", "empty", "missing-columns", "fractional-rupiah", "bad-date"],
)
def test_malformed_input_is_refused_in_one_line_before_anything_is_stored(
    tmp_path, env, database, source, content, message
):
    path = tmp_path / "rusak.txt"
    path.write_text(content)
    refused = run({**env}, "import", str(path), "--name", "rusak", "--source", source, "--no-anchor")
    assert refused.exit_code == 1
    assert message in refused.output and len(refused.output.strip().splitlines()) == 1
    with make_engine(database).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM archives")).scalar() == 0


def test_verify_names_an_unknown_archive_in_one_line(env):
    unknown = run(env, "verify", "tidak-ada", "--all")
    assert unknown.exit_code == 1 and len(unknown.output.strip().splitlines()) == 1


def test_chain_is_reachable(settings):
    assert rpc(settings.rpc_url, "eth_chainId")


WRITES = [("/tenders", Announcement), ("/catalogue/orders", OrderIn)]


def test_no_tender_or_order_may_take_the_ocid_of_an_imported_past_process(
    tmp_path, env, settings, client, token
):
    """A live process under an archived ocid would hide the past one behind the chain's: an officer
    announcing a tender, or ordering from the catalogue, under such an ocid is refused."""
    source = write_csv(tmp_path / "spse-ocid.csv", 1)
    published = {**env, "TERANG_DATABASE_URL": settings.database_url}
    done = run(published, "import", str(source), "--name", "spse-ocid-diambil", "--source", "spse")
    assert done.exit_code == 0, done.output
    ocid = f"{PREFIX}-spse-1001"
    officer = {**token("AGENCY_OFFICER", agency=1001), "Idempotency-Key": f"arsip-{ocid}"}
    examples = [(path, model.model_config["json_schema_extra"]["examples"][0]) for path, model in WRITES]
    for path, example in examples:
        body = {**example, "ocid": ocid}
        refused = client.post(path, json=body, headers=officer)
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "ocid_archived"


def test_imported_processes_are_published_through_ocds_marked_as_imported(tmp_path, env, settings, client):
    source = write_csv(tmp_path / "spse-ocds.csv", 3)
    published = {**env, "TERANG_DATABASE_URL": settings.database_url}
    done = run(published, "import", str(source), "--name", "spse-terbit", "--source", "spse")
    assert done.exit_code == 0, done.output
    archive_id = int(done.output.split("arsip #")[1].split()[0])
    ocid = f"{PREFIX}-spse-1002"

    releases = client.get(f"/ocds/releases/{ocid}")
    assert releases.status_code == 200
    (release,) = releases.json()["releases"]
    mark = release["terangImport"]
    assert mark["imported"] is True and mark["sourceSystem"] == "SPSE" and mark["archiveId"] == archive_id
    assert mark["recordIndex"] == 1 and mark["archiveRoot"].startswith("0x")
    # What is served is the proven record plus the mark: without it, it hashes to the stored leaf.
    served = {k: v for k, v in release.items() if k != "terangImport"} | {
        "terangImport": {"sourceSystem": "SPSE", "sourceId": "1002"}
    }
    with make_engine(settings.database_url).connect() as connection:
        stored = set(connection.execute(select(ArchiveRecord.leaf)).scalars())
    assert record_leaf(0, 1, canonical(served)) in stored
    record = client.get(f"/ocds/records/{ocid}").json()["records"][0]
    assert record["compiledRelease"]["tender"]["value"]["amount"] == 4_800_000 * 2

    seen, url = [], "/ocds/releases?limit=2"
    while url:
        page = client.get(url).json()
        seen += [r["ocid"] for r in page["releases"]]
        url = page.get("links", {}).get("next")
    assert [o for o in seen if o.startswith(f"{PREFIX}-spse-")][-3:] == [
        f"{PREFIX}-spse-1001",
        f"{PREFIX}-spse-1002",
        f"{PREFIX}-spse-1003",
    ]
    assert client.get(f"/ocds/releases/{PREFIX}-spse-9999").status_code == 404

    # The explorer lists the anchored archive (root, count, anchoring transaction) and shows the
    # imported process marked as imported, with the archive and index that prove it.
    listing = client.get("/explorer/archives?lang=id").text
    root, _, count, _, _ = chain_archive(settings, archive_id)
    assert "spse-terbit" in listing and "0x" + root.hex() in listing
    assert f'data-archive="{archive_id}"' in listing and "/explorer/tx/0x" in listing
    page = client.get(f"/explorer/tenders/{ocid}?lang=id")
    assert page.status_code == 200
    assert "Diimpor / Imported" in page.text and "Rehabilitasi gedung sekolah 2" in page.text
    assert f"terang archive verify {archive_id} --ocid {ocid}" in page.text
    assert client.get(f"/explorer/tenders/{PREFIX}-spse-9999").status_code == 404


def test_stored_metadata_changed_after_anchoring_fails_verify(tmp_path, env, database):
    source = write_jsonl(tmp_path / "m.jsonl", 4)
    assert (
        run(env, "import", str(source), "--name", "meta", "--source", "ocds", "--period", "2019").exit_code
        == 0
    )
    with make_engine(database).begin() as connection:
        connection.execute(text("UPDATE archives SET metadata_json = replace(metadata_json, '2019', '2018')"))
    checked = run(env, "verify", "meta", "--all")
    assert checked.exit_code == 1
    assert "DIUBAH/TAMPERED metadata arsip meta" in checked.output and "Traceback" not in checked.output


# -- an insider's attacks on the import and the proofs ------------------------------------------------
SPSE_ROW = "7,Paket,D1,Dinas,2020,Tender,{pagu},10,{date},selesai,,,\n"


@pytest.mark.parametrize(
    ("source", "content", "message"),
    [
        (  # json.loads keeps the last "ocid", a person reading the file the first
            "ocds",
            '{"ocid": "ocds-abc123-1", "id": "1", "ocid": "ocds-abc123-2"}\n',
            "baris 1: kunci ganda",
        ),
        (  # stored (and proven) as 0.1: another number than the file's
            "ocds",
            '{"ocid": "ocds-abc123-1", "id": "1", "v": 0.10000000000000000001}\n',
            "baris 1: angka 0.10000000000000000001 tidak dapat disimpan persis",
        ),
        (
            "ocds",
            '{"ocid": "ocds-abc123-1", "id": "1", "date": "2019-01-01T00:00:00Z", "t": "\\ud800"}\n',
            "baris 1: teks atau angka tidak sah",
        ),
        ("ocds", '{"ocid": "ocds-abc123-1", "id": "1", "a": ' + "[" * 5000 + "]" * 5000 + "}\n", "baris 1"),
        (
            "ocds",
            '{"ocid": "ocds-abc123-/../../explorer", "id": "1"}\n',
            "baris 1: ocid tidak ada atau tidak sah",
        ),
        (  # a line of its own in `verify`'s output
            "ocds",
            '{"ocid": "ocds-abc123-1\\n", "id": "1"}\n',
            "baris 1: ocid tidak ada atau tidak sah",
        ),
        ("ocds", '{"ocid": "ocds-abc123-1", "id": "1", "date": 2019}\n', "baris 1: date rilis wajib"),
        ("ocds", '{"ocid": "ocds-abc123-1", "id": "1"}\n', "baris 1: date rilis wajib"),
        (
            "ocds",
            '{"ocid": "ocds-abc123-1", "id": "1", "date": "2019-01-01T00:00:00Z", '
            '"awards": [{"id": {"x": 1}}]}\n',
            "baris 1: id dalam larik",
        ),
        ("spse", HEADER + ",pagu\n" + SPSE_ROW.format(pagu=12, date="2020-01-01"), "kolom ganda: pagu"),
        ("spse", HEADER + "\n" + SPSE_ROW.format(pagu="١٢", date="2020-01-01"), "baris 2: pagu harus"),
        ("spse", HEADER + "\n" + SPSE_ROW.format(pagu=12, date="2020-13-45"), "baris 2: tanggal_pengumuman"),
    ],
    ids=[
        "duplicate-key",
        "inexact-number",
        "lone-surrogate",
        "deep-nesting",
        "ocid-with-slash",
        "ocid-with-newline",
        "date-not-text",
        "date-missing",
        "unhashable-id",
        "duplicate-column",
        "non-ascii-digits",
        "impossible-date",
    ],
)
def test_ambiguous_or_unservable_input_is_refused_in_one_line(
    tmp_path, env, database, source, content, message
):
    path = tmp_path / "ambigu.txt"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    refused = run(env, "import", str(path), "--name", "ambigu", "--source", source, "--no-anchor")
    assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)  # no traceback
    assert message in refused.output and len(refused.output.strip().splitlines()) == 1, refused.output
    with make_engine(database).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM archives")).scalar() == 0


def test_a_huge_line_is_refused_without_being_read_whole(tmp_path):
    import tracemalloc

    from app.archives.sources import MAX_LINE, SourceError, records

    for source, head in (("ocds", b'{"ocid": "ocds-abc123-1", "id": "'), ("spse", HEADER.encode() + b"\n7,")):
        path = tmp_path / f"besar.{source}"
        with path.open("wb") as file:
            file.write(head + b"x" * (40 * MAX_LINE) + b'"}\n')
        tracemalloc.start()
        with path.open("rb") as stream, pytest.raises(SourceError, match="terlalu"):
            list(records(stream, source, PREFIX))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 8 * MAX_LINE, (source, peak)


def _interrupted(engine, path: Path, name: str, source: str, prefix: str) -> None:
    class Interrupted(Exception):
        pass

    def stop(stage: str, done: int, total: int) -> None:
        if stage == "import" and done >= 2_000:
            raise Interrupted

    with pytest.raises(Interrupted):
        import_archive(engine, path, name, source, prefix, progress=stop)


def test_a_resumed_import_reading_the_file_otherwise_is_refused(tmp_path, database):
    from app.archives.importer import ArchiveError

    source = write_csv(tmp_path / "lanjut.csv", 2_500)
    engine = make_engine(database)
    _interrupted(engine, source, "campur", "spse", PREFIX)
    # The same file, resumed under another ocid prefix: the first 2,000 records would say one prefix,
    # the last 500 another, under one root.
    with pytest.raises(ArchiveError, match="rekaman yang tersimpan berbeda dari berkas"):
        import_archive(engine, source, "campur", "spse", "ocds-lain00")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM archives")).scalar() == "importing"
    assert import_archive(engine, source, "campur", "spse", PREFIX).record_count == 2_500


def test_a_file_replaced_after_it_was_hashed_is_refused(tmp_path, database, monkeypatch):
    from app.archives import importer
    from app.archives.importer import ArchiveError
    from app.archives.sources import sha256_of

    named = write_jsonl(tmp_path / "asli.jsonl", 5)  # the file whose SHA-256 the metadata names
    replaced = tmp_path / "ganti.jsonl"
    replaced.write_text(named.read_text().replace("4500000", "1"))
    assert replaced.read_text() != named.read_text()  # read in its place
    monkeypatch.setattr(importer, "sha256_of", lambda path: sha256_of(named))
    with pytest.raises(ArchiveError, match="berkas berubah selama impor"):
        import_archive(make_engine(database), replaced, "tukar", "ocds", PREFIX)
    with make_engine(database).connect() as connection:
        assert connection.execute(text("SELECT root FROM archives")).scalar() is None


def _live(database: str, ocid: str) -> None:
    with make_engine(database).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ocds_tenders (ocid, position, tender_id, last_block, release_count, releases, "
                "compiled) VALUES (:ocid, :position, :ocid, 1, 1, '[]', '{}')"
            ),
            {"ocid": ocid, "position": int(ocid[-5:])},
        )


def test_a_past_record_under_a_live_ocid_is_refused_and_never_served(tmp_path, env, database):
    from sqlalchemy.orm import Session

    from app.archives.published import imported_page, imported_releases

    _live(database, "ocds-abc123-2019-00002")
    refused = run(env, "import", str(write_jsonl(tmp_path / "h.jsonl", 3)), "--name", "h", "--source", "ocds")
    assert refused.exit_code == 1 and "ocds-abc123-2019-00002 adalah proses di rantai" in refused.output
    assert len(refused.output.strip().splitlines()) == 1

    # A process announced on chain after the import: its ocid is the chain's alone.
    later = tmp_path / "i.jsonl"
    later.write_text("".join(json.dumps(release(n)) + "\n" for n in range(10, 15)))
    assert run(env, "import", str(later), "--name", "i", "--source", "ocds").exit_code == 0
    _live(database, "ocds-abc123-2019-00012")
    with Session(make_engine(database)) as session:
        assert imported_releases(session, "ocds-abc123-2019-00012") == []
        assert len(imported_releases(session, "ocds-abc123-2019-00013")) == 1
        served = [release["ocid"] for _, release in imported_page(session, None, 100)[0]]
    assert "ocds-abc123-2019-00012" not in served and "ocds-abc123-2019-00013" in served


def test_a_record_moved_to_another_ocid_in_the_database_fails_verify(tmp_path, env, database):
    from sqlalchemy.orm import Session

    from app.archives.published import imported_releases

    source = write_jsonl(tmp_path / "j.jsonl", 6)
    assert run(env, "import", str(source), "--name", "pindah", "--source", "ocds").exit_code == 0
    with make_engine(database).begin() as connection:  # record 3's bytes untouched, shown under ocid 9
        connection.execute(
            update(ArchiveRecord).where(ArchiveRecord.position == 2).values(ocid="ocds-abc123-2019-00009")
        )
    one = run(env, "verify", "pindah", "--ocid", "ocds-abc123-2019-00009")
    assert one.exit_code == 1 and "DIUBAH/TAMPERED #2" in one.output, one.output
    assert run(env, "verify", "pindah", "--all").exit_code == 1
    with Session(make_engine(database)) as session:
        assert imported_releases(session, "ocds-abc123-2019-00009") == []


def test_an_archive_name_of_digits_only_is_refused(tmp_path, env):
    # `verify 2` means the chain's archive #2: an archive named "2" would be another one.
    refused = run(env, "import", str(write_jsonl(tmp_path / "k.jsonl", 2)), "--name", "2", "--source", "ocds")
    assert refused.exit_code == 1 and "nama arsip tidak sah" in refused.output
    period = run(
        env, "import", str(tmp_path / "k.jsonl"), "--name", "k", "--source", "ocds", "--period", "2019\x1b[2K"
    )
    assert period.exit_code == 1 and "periode tidak sah" in period.output


def test_the_chain_lost_mid_run_is_one_line_without_the_nodes_url(tmp_path, env, monkeypatch):
    import requests

    from app.archives import chain

    source = write_jsonl(tmp_path / "l.jsonl", 3)
    assert run(env, "import", str(source), "--name", "putus", "--source", "ocds").exit_code == 0

    def lost(*args, **kwargs):
        raise requests.exceptions.ConnectionError(
            "HTTPSConnectionPool(host='rpc.example', port=443): "
            "Max retries exceeded with url: /v3/KUNCI-RAHASIA"
        )

    monkeypatch.setattr(chain, "read", lost)
    monkeypatch.setattr(chain, "anchor", lost)
    checked = run(env, "verify", "putus", "--all")
    anchored = run(env, "import", str(source), "--name", "putus-2", "--source", "ocds")
    for result in (checked, anchored):
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert "rantai tidak menjawab" in result.output and "KUNCI-RAHASIA" not in result.output
    assert len(checked.output.strip().splitlines()) == 1


def test_an_archive_renamed_in_the_database_to_pass_another_off_fails_verify(tmp_path, env, database):
    for name, count in (("asli", 4), ("palsu", 5)):
        path = write_jsonl(tmp_path / f"{name}.jsonl", count)
        assert run(env, "import", str(path), "--name", name, "--source", "ocds").exit_code == 0
    with make_engine(database).begin() as connection:  # "asli" is now the other archive, whole
        connection.execute(text("UPDATE archives SET name = 'asli-lama' WHERE name = 'asli'"))
        connection.execute(text("UPDATE archives SET name = 'asli' WHERE name = 'palsu'"))
    checked = run(env, "verify", "asli", "--all")
    assert checked.exit_code == 1 and "DIUBAH/TAMPERED metadata arsip asli" in checked.output
    proven = run(env, "verify", "asli-lama", "--all")
    assert proven.exit_code == 1  # renamed too: its metadata names "asli"


def test_stored_values_cannot_write_over_the_verdict_on_a_terminal(tmp_path, env, database):
    source = write_jsonl(tmp_path / "n.jsonl", 3)
    assert run(env, "import", str(source), "--name", "layar", "--source", "ocds").exit_code == 0
    with make_engine(database).begin() as connection:
        connection.execute(
            update(ArchiveRecord)
            .where(ArchiveRecord.position == 1)
            .values(canonical="{}", ocid="x\r\x1b[2Kok #1 \u202e")
        )
    checked = run(env, "verify", "layar", "--all")
    assert checked.exit_code == 1 and "DIUBAH/TAMPERED #1" in checked.output
    assert "\x1b" not in checked.output and "\r" not in checked.output and "\u202e" not in checked.output
    with make_engine(database).begin() as connection:
        connection.execute(text("UPDATE archives SET name = :name"), {"name": "layar\x1b[2K"})
    assert "\x1b" not in run(env, "list").output


def test_a_verdict_names_when_and_by_whom_the_archive_was_anchored(tmp_path, env):
    source = write_jsonl(tmp_path / "o.jsonl", 2)
    assert run(env, "import", str(source), "--name", "kapan", "--source", "ocds").exit_code == 0
    proven = run(env, "verify", "kapan", "--all")
    assert proven.exit_code == 0
    assert (
        "ditambatkan/anchored 20" in proven.output and env["TERANG_OFFICER"].lower() in proven.output.lower()
    )


def test_a_run_stopped_after_the_node_took_the_anchoring_never_anchors_twice(
    tmp_path, env, settings, monkeypatch
):
    from web3.eth import Eth

    sent = Eth.send_raw_transaction

    def sent_then_lost(self, transaction):
        sent(self, transaction)  # the node has it, but the answer never comes back
        raise ConnectionError("lost")

    source = write_jsonl(tmp_path / "p.jsonl", 3)
    before = chain_count(settings)
    with monkeypatch.context() as patched:
        patched.setattr(Eth, "send_raw_transaction", sent_then_lost)
        lost = run(env, "import", str(source), "--name", "sekali", "--source", "ocds")
    assert lost.exit_code == 1 and "rantai tidak menjawab" in lost.output, lost.output
    again = run(env, "import", str(source), "--name", "sekali", "--source", "ocds")
    assert again.exit_code == 0, again.output
    assert chain_count(settings) == before + 1  # the first transaction, found again, not a second one
    assert f"arsip #{before + 1}" in again.output


def test_an_earlier_anchoring_pending_is_waited_for_and_a_reverted_one_is_sent_again():
    from types import SimpleNamespace

    from web3.exceptions import TransactionNotFound

    from app.archives import chain
    from app.archives.importer import ArchiveError

    def node(receipt, pending):
        def get_transaction_receipt(tx):
            if receipt is None:
                raise TransactionNotFound(tx)
            return receipt

        def get_transaction(tx):
            if not pending:
                raise TransactionNotFound(tx)
            return {"hash": tx}

        eth = SimpleNamespace(
            get_transaction_receipt=get_transaction_receipt, get_transaction=get_transaction
        )
        return SimpleNamespace(web3=SimpleNamespace(eth=eth))

    tx = "0x" + "ab" * 32
    with pytest.raises(ArchiveError, match="belum ditambang"):  # sending again would anchor it twice
        chain.receipt_of(node(None, pending=True), tx)
    assert chain.receipt_of(node(None, pending=False), tx) is None
    reverted = {"status": 0, "transactionHash": bytes(32), "blockNumber": 1}
    assert chain.receipt_of(node(reverted, pending=False), tx) is None  # not stuck on it forever
