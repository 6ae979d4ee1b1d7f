"""Signing in to the supplier portal through a real identity provider (tests/support/identity_provider.py,
an HTTP server): the authorization-code flow with PKCE and a state bound to the browser, as an
insider would attack it. Each refusal is a page with a stable code, never a 500, and leaves no
session behind."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from app.auth import devissuer, devlogin
from app.main import create_app
from app.portal.signin import SESSION_COOKIE, STATE_COOKIE, SignInError, endpoints, safe_return
from tests.support.identity_provider import identity_provider


@pytest.fixture(scope="module")
def idp(issuer_dir):
    with identity_provider(issuer_dir) as provider:
        yield provider


@pytest.fixture(scope="module")
def portal_app(settings, idp):
    configured = settings.model_copy(
        update={"portal_oidc_authorize_url": idp.authorize_url, "portal_oidc_token_url": idp.token_url}
    )
    return create_app(configured)


@pytest.fixture()
def browser(portal_app):
    """A browser: its own cookies, redirects followed by hand."""
    with TestClient(portal_app, follow_redirects=False) as client:
        yield client


def start(browser, next_page: str = "/portal/me") -> tuple[str, dict]:
    """Sign-in up to the provider: its URL and the query the portal sent it."""
    answer = browser.get("/portal/sign-in", params={"next": next_page})
    assert answer.status_code == 303
    location = answer.headers["location"]
    return location, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def at_provider(location: str) -> str:
    """The provider signs the user in and sends the browser back: the callback path and query."""
    back = httpx.get(location, follow_redirects=False)
    assert back.status_code == 303
    target = urlsplit(back.headers["location"])
    return f"{target.path}?{target.query}"


def error_code(answer) -> str:
    return answer.text.split('data-code="')[1].split('"')[0]


def test_a_supplier_signs_in_and_sees_its_own_account(browser, idp):
    idp.supplier, idp.roles = 7, []
    location, query = start(browser)
    assert location.startswith(idp.authorize_url)
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"] == "http://testserver/portal/signed-in"
    state_cookie = browser.cookies.get(STATE_COOKIE)
    assert state_cookie == query["state"]
    done = browser.get(at_provider(location))
    assert done.status_code == 303 and done.headers["location"] == "/portal/me"
    cookie = done.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/portal/" in cookie
    assert idp.token_requests[-1]["code_verifier"]  # the verifier went to the token endpoint only
    assert idp.token_requests[-1]["code_verifier"] not in location
    page = browser.get("/portal/me")
    assert page.status_code == 200 and 'id="my-account"' in page.text and "Penyedia 7" in page.text


def test_a_callback_in_another_browser_is_refused_and_its_code_is_never_exchanged(portal_app, idp):
    with (
        TestClient(portal_app, follow_redirects=False) as victim,
        TestClient(portal_app, follow_redirects=False) as attacker,
    ):
        location, _ = start(attacker)
        callback = at_provider(location)  # the attacker's own code, planted in the victim's browser
        asked = len(idp.token_requests)
        answer = victim.get(callback)
        assert answer.status_code == 400 and error_code(answer) == "sign_in_state_mismatch"
        assert len(idp.token_requests) == asked
        assert SESSION_COOKIE not in victim.cookies


def test_a_callback_is_good_once(browser, idp):
    idp.supplier, idp.roles = 7, []
    location, _ = start(browser)
    callback = at_provider(location)
    state = browser.cookies.get(STATE_COOKIE)
    assert browser.get(callback).status_code == 303
    browser.cookies.set(STATE_COOKIE, state, path="/portal/")  # a relayer replaying the whole callback
    browser.cookies.delete(SESSION_COOKIE)
    asked = len(idp.token_requests)
    again = browser.get(callback)
    assert again.status_code == 400 and error_code(again) == "sign_in_expired"
    assert len(idp.token_requests) == asked  # refused by the portal itself, not left to the provider


def test_an_officials_account_cannot_sign_in_as_a_supplier(browser, idp):
    idp.supplier, idp.roles = 7, ["AGENCY_OFFICER"]  # an officer whose token also names a supplier
    location, _ = start(browser)
    answer = browser.get(at_provider(location))
    assert answer.status_code == 403 and error_code(answer) == "not_a_supplier"
    assert "set-cookie" not in answer.headers or f"{SESSION_COOKIE}=" not in answer.headers["set-cookie"]
    idp.roles = []
    idp.supplier = None  # a token for nobody in the registry
    location, _ = start(browser)
    assert error_code(browser.get(at_provider(location))) == "not_a_supplier"
    idp.supplier = 7


def test_a_forged_or_expired_session_cookie_is_a_signed_out_reader(browser, tmp_path):
    forged = devissuer.issue("penyedia-7", [], supplier=7, folder=tmp_path / "other-key")
    browser.cookies.set(SESSION_COOKIE, forged, path="/portal/")
    answer = browser.get("/portal/me")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/portal/sign-in")
    assert 'id="sign-in"' in browser.get("/portal/").text


def test_an_unreachable_provider_is_a_clear_page_never_a_500(browser, idp):
    idp.down = True
    try:
        location, query = start(browser)
        callback = at_provider(location)
        answer = browser.get(callback)
        assert answer.status_code == 502 and error_code(answer) == "identity_provider_unavailable"
    finally:
        idp.down = False
    # The failed sign-in is not left usable: its callback again is refused without a token request.
    browser.cookies.set(STATE_COOKIE, query["state"], path="/portal/")
    asked = len(idp.token_requests)
    again = browser.get(callback)
    assert again.status_code == 400 and error_code(again) == "sign_in_expired"
    assert len(idp.token_requests) == asked


def test_the_token_is_never_logged(browser, idp, caplog):
    caplog.set_level(logging.DEBUG)
    idp.supplier, idp.roles = 7, []
    location, _ = start(browser)
    browser.get(at_provider(location))
    browser.get("/portal/me")
    assert idp.issued and all(token not in caplog.text for token in idp.issued)


def test_signing_out_drops_the_session(browser, idp):
    idp.supplier, idp.roles = 7, []
    location, _ = start(browser)
    browser.get(at_provider(location))
    out = browser.post("/portal/sign-out")
    assert out.status_code == 303 and f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        ("/portal/tenders/ocds-1", "/portal/tenders/ocds-1"),
        ("https://evil.example/portal/", "/portal/"),
        ("//evil.example/portal/", "/portal/"),
        ("/portal//evil.example", "/portal/"),
        ("/explorer/", "/portal/"),
        (None, "/portal/"),
    ],
)
def test_after_signing_in_the_browser_only_returns_to_a_portal_page(asked, goes_to):
    assert safe_return(asked) == goes_to


def test_production_without_a_provider_refuses_sign_in_and_serves_no_development_sign_in(settings):
    production = settings.model_copy(update={"environment": "production"})
    request = SimpleNamespace(
        app=SimpleNamespace(state=SimpleNamespace(settings=production)), base_url="https://x/"
    )
    with pytest.raises(SignInError) as refused:
        endpoints(request)
    assert (refused.value.status, refused.value.code) == (503, "portal_sign_in_unconfigured")
    assert not devlogin.served(production)  # anyone could be any supplier there: never in production
