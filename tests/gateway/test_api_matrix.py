"""Every endpoint of the gateway, taken from its own route table (new endpoints are covered without
editing this file): without a token a protected endpoint answers 401, each role it does not admit
gets 403, a malformed body is a 422, and every refusal is an RFC 9457 problem with a stable code —
never a 500. The success paths live in the resource tests (test_api_<resource>.py)."""

from __future__ import annotations

import uuid

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.main import ROUTERS
from app.protocol.roles import ROLES

PROBLEM = "application/problem+json"


def _walk(dependant):
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _walk(dependency)


def _operations():
    for router in ROUTERS:
        for route in router.routes:
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            calls = list(_walk(route.dependant))
            protected = any(getattr(c, "__name__", "") == "get_principal" for c in calls)
            roles = next((c.roles for c in calls if hasattr(c, "roles")), None)
            # a relay (app/api/relayers.py) also admits a supplier's own token, which has no role
            suppliers = any(getattr(c, "admits_supplier", False) for c in calls)
            for method in sorted(route.methods):
                yield method, route, protected, roles, suppliers


OPERATIONS = list(_operations())
PROTECTED = [op for op in OPERATIONS if op[2]]
RESTRICTED = [op for op in OPERATIONS if op[3] is not None]
WITH_BODY = [op for op in RESTRICTED if op[1].body_field is not None]


def _id(op) -> str:
    return f"{op[0]} {op[1].path}"


def concrete_path(openapi: dict, method: str, path: str) -> str:
    """The path with each parameter filled by a value of the right shape (that names nothing)."""
    operation = openapi["paths"][path][method.lower()]
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "path":
            continue
        schema = parameter["schema"]
        pattern = schema.get("pattern", "")
        if schema.get("type") == "integer":
            value = str(max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1, 1))
        elif "{64}" in pattern:
            value = "0x" + "ab" * 32
        elif "{40}" in pattern:
            value = "0x" + "ab" * 20
        else:
            value = "ocds-terang-none-0001"
        path = path.replace("{" + parameter["name"] + "}", value)
    return path


@pytest.fixture(scope="module")
def openapi(app):
    return app.openapi()


@pytest.fixture(scope="module")
def client(app):
    """One client for the module: every request here is refused before it changes anything, so the
    cases need no fresh gateway each (a start and stop is about 55 ms, bench/gateway_start.py)."""
    with TestClient(app) as test_client:
        yield test_client


def assert_problem(answer, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    body = answer.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["title"] and body["type"].endswith(code)


def test_the_route_table_has_protected_and_role_restricted_endpoints():
    """Guards the matrix itself: an introspection that found nothing would pass vacuously."""
    assert len(PROTECTED) >= 20 and len(RESTRICTED) >= 15 and len(WITH_BODY) >= 10


@pytest.mark.parametrize("op", PROTECTED, ids=_id)
def test_a_protected_endpoint_without_a_token_is_401(op, client, openapi):
    method, route, *_ = op
    answer = client.request(method, concrete_path(openapi, method, route.path), json={})
    assert_problem(answer, 401, "unauthenticated")
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("op", PROTECTED, ids=_id)
def test_a_protected_endpoint_with_a_forged_token_is_401(op, client, openapi):
    method, route, *_ = op
    forged = {"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJyb2xlcyI6WyJBRE1JTiJdfQ."}
    answer = client.request(method, concrete_path(openapi, method, route.path), json={}, headers=forged)
    assert_problem(answer, 401, "invalid_token")


@pytest.mark.parametrize("op", RESTRICTED, ids=_id)
def test_a_role_restricted_endpoint_refuses_every_other_role(op, client, openapi, token):
    method, route, _, allowed, suppliers = op
    path = concrete_path(openapi, method, route.path)
    refused = [role for role in ROLES if role not in allowed]
    assert refused, f"{_id(op)} admits every role"
    # None: a supplier's token, which carries no role (admitted by the relays)
    for role in [*refused] + ([] if suppliers else [None]):
        headers = {
            **(token(role, agency=1001) if role else token(supplier=1)),
            "Idempotency-Key": str(uuid.uuid4()),
        }
        answer = client.request(method, path, json={}, headers=headers)
        assert_problem(answer, 403, "forbidden_role")


@pytest.mark.parametrize("op", WITH_BODY, ids=_id)
def test_a_write_with_a_malformed_body_is_a_422_problem_and_sends_nothing(op, client, openapi, token):
    method, route, _, allowed, _ = op
    headers = {**token(*sorted(allowed), agency=1001), "Idempotency-Key": str(uuid.uuid4())}
    path = concrete_path(openapi, method, route.path)
    for body in ({"unexpected": True}, [1, 2, 3], "not json"):
        answer = client.request(method, path, json=body, headers=headers)
        assert_problem(answer, 422, "invalid_request")
        assert answer.json()["errors"], "the problem lists what is wrong"
    garbled = client.request(
        method, path, content=b"{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert_problem(garbled, 422, "invalid_request")


@pytest.mark.parametrize(
    "language,title", [("en", "A bearer token is required."), ("id", "Diperlukan token bearer.")]
)
def test_problems_speak_the_callers_language(client, language, title):
    answer = client.post("/suppliers", json={}, headers={"Accept-Language": language})
    assert answer.json()["title"] == title and answer.headers["content-language"] == language


def _has_example(schema: dict, components: dict) -> bool:
    if "anyOf" in schema:  # an optional body: its object branch shows the example
        return any(_has_example(s, components) for s in schema["anyOf"] if s.get("type") != "null")
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("examples") or "example" in schema:
        return True
    properties = schema.get("properties", {})
    return bool(properties) and all(
        "default" in p or _has_example(p, components) for p in properties.values()
    )


def test_every_request_body_in_the_openapi_document_has_an_example(openapi):
    """Agencies integrate from the OpenAPI document: every body they send is shown by example."""
    components = openapi["components"]["schemas"]
    missing = [
        f"{method.upper()} {path}"
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})  # not a file upload
        and not _has_example(operation["requestBody"]["content"]["application/json"]["schema"], components)
    ]
    assert missing == []
