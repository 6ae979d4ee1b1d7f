"""A 503 `signer_unavailable` names neither the signers file nor the keystore library's complaint:
the one mapping (app/api/problems.py ledger_problem) answers a fixed sentence, for a real registry
whose file names a path and a keystore that does not open."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from app.api.problems import ledger_problem
from app.ledger.errors import SignerUnavailable
from app.ledger.signers import SignerRegistry


def request() -> Request:
    return Request(
        {"type": "http", "method": "POST", "path": "/suppliers", "headers": [], "query_string": b""}
    )


@pytest.mark.parametrize("broken", ["missing", "unreadable"])
def test_signer_unavailable_shows_no_path_or_library_text(tmp_path, broken):
    folder = tmp_path / "geheim-signers"
    folder.mkdir()
    signers = folder / "signers.yaml"
    if broken == "unreadable":
        (folder / "pw").write_text("password")
        (folder / "key.json").write_text("{not a keystore")
        signers.write_text("password_file: pw\nsigners:\n  relayer: key.json\n")
    with pytest.raises(SignerUnavailable) as raised:
        SignerRegistry(signers).get("relayer")
    error = ledger_problem(request(), raised.value)
    assert (error.status, error.code) == (503, "signer_unavailable")
    assert "geheim" not in (error.detail or "") and "/" not in (error.detail or "")
    assert str(raised.value) != error.detail  # the exception's own text stays inside
