"""The OpenAPI document describes answers, not only inputs: every operation declares a typed success
response, the problem responses it can give, and, for a chain write, the Idempotency-Key header."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.main import create_app

DOCUMENT = create_app(Settings(environment="test")).openapi()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
]
PROBLEM_REF = "#/components/schemas/Problem"
HEALTH_REF = "#/components/schemas/Health"


def _label(op) -> str:
    return f"{op[0]} {op[1]}"


def _success(operation: dict) -> list[tuple[str, dict]]:
    return [(status, answer) for status, answer in operation["responses"].items() if status.startswith("2")]


def test_the_document_lists_the_whole_api():
    assert len(OPERATIONS) >= 60
    assert len({op["operationId"] for _m, _p, op in OPERATIONS}) == len(OPERATIONS)  # unique, for clients


def test_no_two_models_share_a_name():
    """Two models of one name become module-qualified duplicates (app__x__schemas__Name) that
    generated clients refuse: every schema is named once, plainly."""
    qualified = [name for name in DOCUMENT["components"]["schemas"] if "__" in name]
    assert qualified == [], qualified


@pytest.mark.parametrize("op", OPERATIONS, ids=_label)
def test_every_operation_declares_a_typed_success_response(op):
    _method, _path, operation = op
    success = _success(operation)
    assert success, "no 2xx response"
    for status, answer in success:
        content = answer.get("content", {})
        assert content, f"{status} has no content"
        for media_type, body in content.items():
            schema = body.get("schema", {})
            if media_type == "application/json":
                assert schema not in ({}, None), f"{status} {media_type} has no schema"


@pytest.mark.parametrize("op", OPERATIONS, ids=_label)
def test_every_problem_response_is_a_documented_problem(op):
    _method, _path, operation = op
    problems = {s: a for s, a in operation["responses"].items() if s[0] in "45"}
    if (op[0], op[1]) == ("GET", "/health"):  # its 503 is the health report itself, not a problem
        assert problems.pop("503")["content"]["application/json"]["schema"] == {"$ref": HEALTH_REF}
    for status, answer in problems.items():
        assert list(answer["content"]) == ["application/problem+json"], status
        assert answer["content"]["application/problem+json"]["schema"] == {"$ref": PROBLEM_REF}, status
    parameters = operation.get("parameters", []) or operation.get("requestBody")
    if parameters:
        assert "422" in problems
    if operation.get("security") or any(
        p["name"] == "Idempotency-Key" for p in operation.get("parameters", [])
    ):
        assert {"401", "403"} <= set(problems)


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op[0] in ("POST", "PUT")], ids=_label)
def test_every_chain_write_declares_its_idempotency_key(op):
    _method, path, operation = op
    headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
    not_chain_writes = {
        "/suppliers/{supplier_id}/managed-key",  # creates the key once; a retry answers the same key
        "/welfare/programmes/{programme_id}/beneficiaries/lookup",  # a read; the NIK stays out of URLs
        "/welfare/status",  # the public status check: a read, NIK and name kept out of URLs
        # A complaint is filed off chain; a repeat files a second ticket with its own reference.
        "/welfare/grievances",
        "/welfare/grievances/on-behalf",
        "/documents",  # nothing on chain; the same bytes again are the same document (200)
        "/payments/accounts/{payee_key}",  # PUT: idempotent by definition, nothing on chain
        # Payout account versions: nothing on chain; a repeat is refused by the version's state
        # (account_change_pending, account_already_decided, account_not_revocable).
        "/payments/accounts/{payee_key}/versions",
        "/payments/accounts/{payee_key}/versions/{version}/approval",
        "/payments/accounts/{payee_key}/versions/{version}/rejection",
        "/payments/accounts/{payee_key}/versions/{version}/withdrawal",
        "/payments/accounts/{payee_key}/versions/{version}/revocation",
        "/payments/reconciliation/repair",  # repairs check the state they expect
        # Anchored on chain by the data officer's own key, but a repeat of the same file answers the
        # import already stored (found by the file's SHA-256) and anchors nothing twice.
        "/plans/imports",
        # A release acts only on a row still quarantined: a repeat answers 409, nothing on chain.
        "/payments/instructions/{instruction_id}/attempts/{attempt}/release",
        "/payments/instructions/{instruction_id}/lines/{line}/release",
    }
    if path in not_chain_writes:
        assert "Idempotency-Key" not in headers
        return
    assert headers.get("Idempotency-Key", {}).get("required") is True
    assert {"400", "409", "502", "503", "504"} <= set(operation["responses"])
