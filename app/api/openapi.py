"""The OpenAPI document's problem responses, written in one place from what each operation depends
on, so no route can forget one. An operation with parameters answers bad input with a 422 problem;
one that needs a token answers 401 and 403; one that reads a resource by id answers 404; one that
asks the node answers 502 and 503; a write answers 400 (no Idempotency-Key), 409 (the key's first
request still running, or a state the contract refuses), 502, 503 and 504. Problems are
application/problem+json (RFC 9457) with the `Problem` schema."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import bearer, get_chain, get_principal
from app.api.writes import get_writer

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ChainError(BaseModel):
    name: str = Field(description="The contract's custom error, e.g. TenderCommitClosed")
    params: dict[str, Any] = Field(description="Its named arguments")


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem: `code` is stable and what clients branch on; `title` is in the caller's
    language (Accept-Language: id or en)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://terang.example/problems/wrong_agency"])
    title: str = Field(examples=["Ini milik instansi lain."])
    status: int = Field(examples=[403])
    code: str = Field(examples=["wrong_agency"])
    instance: str = Field(description="The request's path", examples=["/tenders/ocds-terang-1001-0001"])
    detail: str | None = None
    errors: list[ValidationIssue] | None = Field(default=None, description="422 invalid_request only")
    chainError: ChainError | None = Field(default=None, description="A contract's refusal")
    transactionHash: str | None = Field(default=None, description="The transaction a write sent")
    replayed: bool | None = Field(default=None, description="A stored failure replayed for a retried key")


DESCRIPTIONS = {
    400: "No usable Idempotency-Key (`idempotency_key_required`), or a body that is not JSON (`http_error`)",
    401: "No bearer token, or one that does not verify (`unauthenticated`, `invalid_token`)",
    403: "The token's role or agency may not do this (`forbidden_role`, `wrong_agency`, a contract's "
    "permission error)",
    404: "No such resource (`not_found`, or a contract's Unknown... error)",
    409: "The key's first request is still running (`request_in_progress`, with Retry-After), or the "
    "contract refuses in the current state (its custom error as `code`)",
    413: "The request body is larger than the limit (`body_too_large`); nothing is kept",
    415: "The body's Content-Type is not one the operation accepts",
    429: "Too many requests from this address, or for this identifier (`rate_limited`, with Retry-After)",
    422: "The request is not valid (`invalid_request` with `errors`, `idempotency_key_reused`, or a "
    "contract's refusal of a value)",
    502: "The transaction failed or the node answered with an error (`transaction_failed`, `node_error`)",
    503: "The ledger, the signer or the identity provider is unavailable (`chain_unavailable` with "
    "Retry-After, `signer_unavailable`, `identity_provider_unavailable` with Retry-After), or every "
    "write slot is taken (`writes_busy` with Retry-After: nothing was sent; retry with any key)",
    504: "Sent, but its outcome is not known or not recorded yet (`transaction_pending`, with "
    "`transactionHash`: no receipt within the receipt timeout, or the database or node failed after "
    "sending): retry with the same Idempotency-Key, never a new one",
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
}


def _calls(dependant) -> set:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def _has_parameters(dependant) -> bool:
    own = dependant.path_params or dependant.query_params or dependant.header_params or dependant.body_params
    return bool(own) or any(_has_parameters(sub) for sub in dependant.dependencies)


def problem_statuses(route: APIRoute) -> list[int]:
    """The problem responses an operation can give, from what it depends on, plus any error status
    the route itself declares in `responses=` (e.g. a 404 for an id named in its body)."""
    calls = _calls(route.dependant)
    statuses = {422} if _has_parameters(route.dependant) else set()
    statuses |= {int(code) for code in route.responses if str(code).isdigit() and int(code) >= 400}
    if route.body_field is not None:
        statuses.add(400)  # a body that is not JSON (or not UTF-8) is refused before validation
        statuses.add(413)  # a body over the limit is refused before it is read (app/api/limits.py)
    if get_principal in calls or bearer in calls:  # a token required, or optional for more
        statuses |= {401, 403, 503}  # 503: the identity provider's keys cannot be fetched
    if get_writer in calls:
        statuses |= {400, 409, 502, 503, 504}
    if get_chain in calls:
        statuses |= {502, 503}
    if route.dependant.path_params:
        statuses.add(404)
    return sorted(statuses)


def install_openapi(app: FastAPI) -> None:
    """Replaces app.openapi: FastAPI's document, with the problem responses of each operation."""

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in Problem.model_json_schema(ref_template="#/components/schemas/{model}")[
            "$defs"
        ].items():
            components[name] = definition
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        problem_schema.pop("$defs", None)
        components["Problem"] = problem_schema
        # included routers are walked through their contexts (FastAPI includes them lazily)
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            if not isinstance(route, APIRoute) or not context.include_in_schema:
                continue
            for method in context.methods:
                operation = schema["paths"][context.path_format][method.lower()]
                responses = operation.setdefault("responses", {})
                for status in problem_statuses(route):
                    declared = route.responses.get(status, route.responses.get(str(status), {}))
                    if "model" in declared:  # the route answers this status with a body of its own
                        continue
                    response = {
                        "description": declared.get("description", DESCRIPTIONS[status]),
                        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    }
                    if status in (409, 429, 503):
                        response["headers"] = RETRY_AFTER
                    responses[str(status)] = response
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
