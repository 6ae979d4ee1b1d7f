"""The document store over HTTP: an official uploads the file whose hash goes on chain, anyone
downloads it by that hash, and a file changed in the store is refused rather than served under a
hash it no longer has."""

from __future__ import annotations

import os
import threading

import pytest
from fastapi.testclient import TestClient
from web3 import Web3

from app.auth.tokens import Principal
from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.documents.routes import _record
from app.main import create_app
from tests.support.postgres import postgres_bin, postgres_server

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4_000 + b"\n%%EOF\n"  # about 1 MiB: several chunks
PROBLEM = "application/problem+json"


def keccak(data: bytes) -> str:
    return "0x" + Web3.keccak(data).hex().removeprefix("0x")


def upload(client, token, data: bytes, media_type="application/pdf", **params):
    params.setdefault("filename", "Dokumen Pemilihan IKN-2026.pdf")
    return client.post(
        "/documents",
        content=data,
        params=params,
        headers={**token("AGENCY_OFFICER", agency=1001), "Content-Type": media_type},
    )


def test_an_officer_uploads_a_file_and_anyone_downloads_it_by_its_hash(client, token):
    answer = upload(client, token, PDF)
    assert answer.status_code == 201, answer.text
    digest = keccak(PDF)
    assert answer.json() == {
        "hash": digest,
        "size": len(PDF),
        "mediaType": "application/pdf",
        "filename": "Dokumen Pemilihan IKN-2026.pdf",
        "url": f"/documents/{digest}",
    }
    download = client.get(f"/documents/{digest}")  # no token
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert download.headers["content-disposition"] == (
        "attachment; filename*=UTF-8''Dokumen%20Pemilihan%20IKN-2026.pdf"
    )
    assert client.get(f"/documents/{digest.upper().replace('0X', '0x')}").content == PDF
    head = client.head(f"/documents/{digest}")  # what the explorer asks before offering a download
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(PDF) and head.content == b""
    assert client.head("/documents/0x" + "cd" * 32).status_code == 404


def test_the_same_bytes_again_are_the_same_document(client, token, settings):
    data = PDF + b"addendum 1"
    assert upload(client, token, data).status_code == 201
    again = upload(client, token, data, filename="salinan.pdf")
    assert again.status_code == 200
    assert (
        again.json()["hash"] == keccak(data) and again.json()["filename"] == "Dokumen Pemilihan IKN-2026.pdf"
    )
    name = keccak(data)[2:]
    assert (settings.documents_dir / name[:2] / name).read_bytes() == data
    assert not any((settings.documents_dir / "incoming").iterdir())


def test_a_file_that_is_not_the_expected_one_is_refused_and_not_kept(client, token, settings):
    data = PDF + b"the wrong version"
    answer = upload(client, token, data, expected=keccak(PDF + b"the right version"))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == "document_hash_mismatch"
    assert keccak(data) in answer.json()["detail"]
    assert client.get(f"/documents/{keccak(data)}").json()["code"] == "document_not_found"
    assert not any((settings.documents_dir / "incoming").iterdir())
    assert upload(client, token, data, expected=keccak(data)).status_code == 201


@pytest.mark.parametrize(
    "media_type, params, status, code",
    [
        ("text/html", {}, 415, "unsupported_document_type"),
        ("image/svg+xml", {}, 415, "unsupported_document_type"),
        ("application/pdf", {"filename": "../../etc/passwd"}, 422, "invalid_request"),
        ("application/pdf", {"filename": ""}, 422, "invalid_request"),
    ],
)
def test_what_a_browser_would_run_and_names_with_paths_are_refused(
    client, token, media_type, params, status, code
):
    answer = upload(client, token, b"<script>alert(1)</script>", media_type, **params)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert answer.headers["content-type"] == PROBLEM


def test_an_empty_file_is_refused(client, token):
    answer = upload(client, token, b"")
    assert (answer.status_code, answer.json()["code"]) == (422, "document_empty")


def test_a_supplier_or_an_anonymous_caller_cannot_upload(client, token):
    anonymous = client.post("/documents", content=PDF, params={"filename": "x.pdf"})
    assert anonymous.status_code == 401
    supplier = client.post(
        "/documents",
        content=PDF,
        params={"filename": "x.pdf"},
        headers={**token(supplier=7), "Content-Type": "application/pdf"},
    )
    assert (supplier.status_code, supplier.json()["code"]) == (403, "forbidden_role")


def test_a_file_over_the_limit_is_cut_and_nothing_is_kept(settings, token, tmp_path):
    small = settings.model_copy(update={"documents_max_bytes": 4096, "documents_dir": tmp_path / "store"})
    with TestClient(create_app(small)) as client:
        answer = upload(client, token, os.urandom(5000))
        assert (answer.status_code, answer.json()["code"]) == (413, "body_too_large")
        chunked = client.post(  # no Content-Length: counted as it arrives
            "/documents",
            content=iter([os.urandom(3000), os.urandom(3000)]),
            params={"filename": "besar.pdf"},
            headers={**token("AGENCY_OFFICER", agency=1001), "Content-Type": "application/pdf"},
        )
        assert (chunked.status_code, chunked.json()["code"]) == (413, "body_too_large")
        assert upload(client, token, os.urandom(4000)).status_code == 201
    kept = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    assert len(kept) == 1 and kept[0].parent.name != "incoming"


def test_a_file_changed_in_the_store_is_refused_not_served(client, token, settings, caplog):
    data = PDF + b"BAST termin 1"
    digest = upload(client, token, data).json()["hash"]
    stored = settings.documents_dir / digest[2:4] / digest[2:]
    stored.write_bytes(data.replace(b"termin 1", b"termin 9"))  # an insider with the store's folder
    answer = client.get(f"/documents/{digest}")
    assert (answer.status_code, answer.json()["code"]) == (409, "document_corrupted")
    assert answer.headers["content-type"] == PROBLEM
    assert any("no longer has its hash" in r.getMessage() for r in caplog.records)


def test_an_unknown_or_malformed_hash_is_a_problem(client):
    unknown = client.get("/documents/0x" + "ab" * 32)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "document_not_found")
    malformed = client.get("/documents/0x1234")
    assert malformed.status_code == 422 and malformed.headers["content-type"] == PROBLEM


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL is not installed (Debian package postgresql)")
def test_the_same_new_file_uploaded_at_once_makes_one_row_and_no_error():
    # Two officials, through two gateways, upload the same new file at the same moment: both find
    # no row; the second to insert must read the first's rather than fail. (SQLite lets one writer
    # in at a time, so the race needs PostgreSQL.)
    with postgres_server() as url:
        upgrade(url)
        sessions = make_session_factory(make_engine(url))
        digest = "0x" + os.urandom(32).hex()
        start = threading.Barrier(8)
        created: list[bool] = []

        def upload_row(n: int) -> None:
            start.wait()
            who = Principal(subject=f"ppk-{n}")
            created.append(_record(sessions, digest, 10, "application/pdf", f"f{n}.pdf", who)[1])

        threads = [threading.Thread(target=upload_row, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(created) == [False] * 7 + [True]
