"""Every response carries the security headers (app/api/security_headers.py): API answers,
problems, explorer pages and their static files a strict CSP without inline script, the API docs
(/docs, Swagger UI served from the gateway's own files) with no exemption; and the explorer's
templates keep no inline script, style or event handler that the strict policy would block."""

from __future__ import annotations

import re

import pytest

from app.api.security_headers import STRICT_CSP
from app.explorer.routes import HERE

PATHS = ["/health", "/nope", "/suppliers/1", "/explorer/", "/explorer/tenders", "/explorer/static/style.css"]


def directives(csp: str) -> dict[str, set[str]]:
    return {d.split()[0]: set(d.split()[1:]) for d in (p.strip() for p in csp.split(";")) if d}


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_security_headers_and_a_strict_policy(client, path):
    answer = client.get(path)
    assert answer.status_code < 500, answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-frame-options"] == "DENY"
    policy = directives(answer.headers["content-security-policy"])
    assert policy["script-src"] == {"'self'"} and policy["style-src"] == {"'self'"}
    assert policy["object-src"] == {"'none'"} and policy["base-uri"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'none'"} and policy["default-src"] == {"'self'"}


def test_a_refused_write_and_a_validation_problem_have_them_too(client):
    for answer in (client.post("/suppliers", json={}), client.get("/explorer/blocks?before=x")):
        assert answer.status_code in (401, 422)
        assert answer.headers["content-security-policy"] == STRICT_CSP
        assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/docs", "/docs/oauth2-redirect", "/openapi.json"])
def test_the_api_docs_have_the_strict_policy_too(client, path):
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-security-policy"] == STRICT_CSP
    assert answer.headers["x-frame-options"] == "DENY"


def test_redoc_is_not_served(client):
    """ReDoc would need a CDN (docs/decisions/0036-offline-api-docs.md)."""
    assert client.get("/redoc").status_code == 404


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


@pytest.mark.parametrize("template", sorted(p.name for p in (HERE / "templates").glob("*.html")))
def test_explorer_templates_have_no_inline_script_style_or_handler(template):
    text = (HERE / "templates" / template).read_text()
    assert not INLINE_SCRIPT.search(text), "scripts belong in app/explorer/static"
    assert not HANDLER.search(text) and not STYLE.search(text)


def test_recorded_documents_are_embedded_as_escaped_json():
    """The data block is JSON escaped for HTML: a label cannot close the <script> element."""
    text = (HERE / "templates" / "tender.html").read_text()
    assert "{{ documents | tojson }}" in text and "| safe" not in text


def test_a_server_error_has_them_too():
    """The server error handler answers a 500 outside the middlewares; the problem carries them."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from app.api.problems import install_problem_handlers
    from app.api.security_headers import SecurityHeadersMiddleware

    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        answer = test_client.get("/boom")
    assert answer.status_code == 500 and answer.json()["code"] == "internal_error"
    assert answer.headers["content-security-policy"] == STRICT_CSP
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers.get_list("x-frame-options") == ["DENY"]
