"""Checks an answer against the response model its route declares. FastAPI validates a read's answer
itself, but a write's answer is a JSONResponse built by the write path, which nothing checks at run
time: `documented(answer)` fails when the answer has a key the model lacks, lacks one it declares, or
carries a value of another type (strict: no 1 for true, no "1" for 1)."""

from __future__ import annotations

import functools

from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from app.main import ROUTERS


@functools.cache
def _routes() -> list[APIRoute]:
    return [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


def route_of(method: str, path: str) -> APIRoute:
    for route in _routes():
        if method in route.methods and route.path_regex.match(path):
            return route
    raise AssertionError(f"no route for {method} {path}")


@functools.cache
def _adapter(model) -> TypeAdapter:
    return TypeAdapter(model)


def documented(answer) -> dict:
    """The answer's JSON, asserted to be exactly what its route's response model describes."""
    route = route_of(answer.request.method, answer.request.url.path)
    assert route.response_model is not None, f"{route.path} declares no response model"
    adapter = _adapter(route.response_model)
    value = adapter.validate_json(answer.content, strict=True)
    body = answer.json()
    assert (
        adapter.dump_python(value, mode="json", exclude_unset=route.response_model_exclude_unset) == body
    ), f"{answer.request.method} {route.path}: the answer has keys its model does not declare: {body}"
    return body
