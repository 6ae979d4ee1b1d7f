"""The public /health carries no internal error text: the indexer's last error and the payment
bridge's state are at /health/details, for the AUDITOR role only."""

from __future__ import annotations

import pytest

from tests.support.documented import documented

SECRET_ERROR = "OperationalError: could not connect to server at 10.1.2.3:5432 /srv/terang/secret.db"


@pytest.fixture()
def failing_indexer(app, client):
    """The gateway's own indexer thread, whose last attempt failed with an internal message."""
    indexer = app.state.indexer
    before = indexer.status.last_error
    indexer.status.last_error = SECRET_ERROR
    yield indexer
    indexer.status.last_error = before


def test_public_health_says_failing_without_the_error_text(client, failing_indexer):
    answer = client.get("/health")
    assert answer.status_code == 200
    assert SECRET_ERROR not in answer.text and "10.1.2.3" not in answer.text and "/srv" not in answer.text
    assert answer.json()["indexer"]["failing"] is True
    assert "lastError" not in answer.json()["indexer"]


def test_details_are_for_auditors_only(client, token, failing_indexer):
    assert client.get("/health/details").status_code == 401
    for role in ("AGENCY_OFFICER", "VERIFIER", "TREASURY", "ENROLLER"):
        refused = client.get("/health/details", headers=token(role, agency=1001))
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"
    assert client.get("/health/details", headers=token(supplier=1)).status_code == 403
    details = documented(client.get("/health/details", headers=token("AUDITOR")))
    assert details["indexer"]["lastError"] == SECRET_ERROR
    assert details["chainError"] is None
    assert details["payments"]["provider"] == "xendit" and details["payments"]["bridgeEnabled"] is False
