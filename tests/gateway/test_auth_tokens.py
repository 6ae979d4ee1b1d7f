"""Bearer tokens stop verifying when they should, and say why in our words.

A real JWKS server (http.server on loopback, in a thread) publishes the identity provider's keys: a
key it removes stops verifying once the gateway's cache period has passed; an outage or a hanging
provider is a 503 `identity_provider_unavailable` within the fetch timeout, not a 401 or a 500; forged
`kid`s cause at most one fetch per refetch interval. Every refusal of a token is a 401 `invalid_token`
whose detail is one of our own short reasons, never the JWT library's message."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from eth_account import Account
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm

from app.auth.tokens import REASONS, AuthError, IdentityProviderUnavailable, TokenVerifier
from app.main import create_app

ISSUER = "https://idp.example.go.id/realms/terang"
AUDIENCE = "terang-gateway"
# What PyJWT says for the same failures: none of it may reach a caller.
LIBRARY_TEXT = (
    "Signature has expired",
    "Invalid audience",
    "Invalid issuer",
    "Signature verification failed",
    "Not enough segments",
    "Invalid header",
    "not yet valid",
    "Token is missing",
    "algorithm",
    "Unable to find",
    "kid",
)


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY_1, KEY_2, KEY_3 = rsa_key(), rsa_key(), rsa_key()


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    return {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid, "use": "sig", "alg": "RS256"}


def token(key=KEY_1, kid: str | None = "k1", algorithm="RS256", **overrides) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "auditor-1", "iat": now, "exp": now + 600}
    claims.update({"roles": ["AUDITOR"]})
    claims = {k: v for k, v in {**claims, **overrides}.items() if v is not None}
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


class Jwks:
    """The provider's JWKS endpoint: `keys` published, `mode` ok / error / hang, `hits` counted."""

    def __init__(self) -> None:
        self.keys: list[dict] = [jwk(KEY_1, "k1")]
        self.mode = "ok"
        self.hits = 0
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                jwks.hits += 1
                if jwks.mode == "hang":
                    time.sleep(5)
                if jwks.mode == "error":
                    self.send_response(502)
                    self.end_headers()
                    return
                body = json.dumps({"keys": jwks.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/protocol/openid-connect/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def jwks():
    server = Jwks()
    yield server
    server.close()


@pytest.fixture()
def gateway(settings, jwks):
    """A gateway whose tokens come from `jwks`: cache 1 s, refetch 0.5 s, fetch timeout 0.5 s."""

    @contextmanager
    def start(**overrides):
        configured = settings.model_copy(
            update={
                "jwks_url": jwks.url,
                "jwt_issuer": ISSUER,
                "jwks_cache_seconds": 1.0,
                "jwks_refetch_seconds": 0.5,
                "jwks_timeout_seconds": 0.5,
                "indexer_enabled": False,
                **overrides,
            }
        )
        with TestClient(create_app(configured)) as client:
            yield client

    return start


def ask(client: TestClient, bearer: str):
    """A write an auditor may not do: 403 forbidden_role proves the token verified; nothing is sent."""
    body = {"account": Account.create().address, "nib": "9120001234567", "npwp": "012345678901000"}
    return client.post(
        "/suppliers",
        json={**body, "umkm": True, "regionCode": 6302},
        headers={"Authorization": f"Bearer {bearer}", "Idempotency-Key": str(uuid.uuid4())},
    )


def assert_invalid_token(answer, reason: str) -> None:
    assert answer.status_code == 401, answer.text
    problem = answer.json()
    assert problem["code"] == "invalid_token" and problem["detail"] == REASONS[reason]
    assert not any(text.lower() in answer.text.lower() for text in LIBRARY_TEXT)
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


# --- keys expire from the cache ------------------------------------------------------------------


def test_a_key_the_provider_removed_stops_verifying_after_the_cache_period(gateway, jwks):
    with gateway() as client:
        assert ask(client, token()).status_code == 403  # verified: the role is what is refused
        jwks.keys = [jwk(KEY_2, "k2")]  # the provider rotates k1 out
        assert ask(client, token()).status_code == 403  # still cached, within the period
        time.sleep(1.2)
        assert_invalid_token(ask(client, token()), "unknown_key")
        assert ask(client, token(KEY_2, "k2")).status_code == 403


def test_a_jwks_outage_is_a_503_problem_not_a_401(gateway, jwks):
    with gateway() as client:
        assert ask(client, token()).status_code == 403
        jwks.mode = "error"
        time.sleep(1.2)  # the cached keys expire: nothing left to verify with
        answer = ask(client, token())
        assert answer.status_code == 503, answer.text
        assert answer.json()["code"] == "identity_provider_unavailable"
        assert answer.headers["Retry-After"] == "5"
        assert answer.headers["content-type"] == "application/problem+json"
        jwks.mode = "ok"
        time.sleep(0.6)  # the refetch interval: then the provider is asked again
        assert ask(client, token()).status_code == 403


def test_a_provider_that_hangs_is_a_503_within_the_timeout(gateway, jwks):
    jwks.mode = "hang"
    with gateway() as client:
        started = time.monotonic()
        answer = ask(client, token())
        assert answer.status_code == 503 and answer.json()["code"] == "identity_provider_unavailable"
        assert time.monotonic() - started < 3


def test_a_provider_that_is_gone_is_a_503(gateway, jwks):
    jwks.close()
    with gateway() as client:
        answer = ask(client, token())
        assert answer.status_code == 503 and answer.json()["code"] == "identity_provider_unavailable"


def test_forged_kids_cause_at_most_one_fetch_per_interval(jwks):
    verifier = TokenVerifier(ISSUER, AUDIENCE, jwks.url, jwks_refetch_seconds=0.5)
    verifier.verify(token())
    assert jwks.hits == 1

    def burst():
        for _ in range(50):
            with pytest.raises(AuthError) as refused:
                verifier.verify(token(KEY_2, kid=uuid.uuid4().hex))
            assert refused.value.reason == "unknown_key"

    burst()
    assert jwks.hits == 1  # within the interval of the last fetch: none
    time.sleep(0.6)
    burst()
    assert jwks.hits == 2  # past it: one refetch for the first unknown kid, none for the other 49
    verifier.verify(token())  # the known key is unaffected


def test_a_key_the_provider_adds_verifies_at_the_next_refetch(jwks):
    verifier = TokenVerifier(ISSUER, AUDIENCE, jwks.url, jwks_refetch_seconds=0.2)
    verifier.verify(token())
    jwks.keys = [*jwks.keys, jwk(KEY_3, "k3")]
    time.sleep(0.3)
    assert verifier.verify(token(KEY_3, "k3")).roles == {"AUDITOR"}


def test_an_outage_is_not_retried_on_every_request(jwks):
    jwks.mode = "error"
    verifier = TokenVerifier(ISSUER, AUDIENCE, jwks.url, jwks_refetch_seconds=60)
    for _ in range(20):
        with pytest.raises(IdentityProviderUnavailable):
            verifier.verify(token())
    assert jwks.hits == 1


def test_a_forged_token_without_rs256_fetches_nothing(jwks):
    verifier = TokenVerifier(ISSUER, AUDIENCE, jwks.url)
    with pytest.raises(AuthError) as refused:
        verifier.verify("eyJhbGciOiJub25lIn0.eyJyb2xlcyI6WyJBRE1JTiJdfQ.")
    assert refused.value.reason == "algorithm" and jwks.hits == 0


# --- our words, never the library's --------------------------------------------------------------


def hs256_with_the_public_key() -> str:
    """Algorithm confusion: HS256 with the provider's public key (PEM) as the HMAC secret."""
    pem = KEY_1.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "iat": now, "exp": now + 60, "roles": ["ADMIN"]}
    signing_input = b".".join(
        base64url(json.dumps(part).encode()) for part in ({"alg": "HS256", "kid": "k1"}, claims)
    )
    return (signing_input + b"." + base64url(hmac.new(pem, signing_input, hashlib.sha256).digest())).decode()


def base64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


REFUSALS = {
    "expired": lambda: token(exp=int(time.time()) - 3600),
    "not_yet_valid": lambda: token(nbf=int(time.time()) + 3600),
    "audience": lambda: token(aud="someone-else"),
    "issuer": lambda: token(iss="https://evil.example"),
    "signature": lambda: token(KEY_2),  # the right kid, another key
    "unknown_key": lambda: token(kid="k-unknown"),
    "missing_claim": lambda: token(sub=None),
    "roles": lambda: token(roles=["ROOT"]),
    "agency": lambda: token(agency=-1),
    "malformed": lambda: "not-a-jwt",
    "algorithm": lambda: "eyJhbGciOiJub25lIn0.eyJyb2xlcyI6WyJBRE1JTiJdfQ.",
}


def test_each_refusal_is_invalid_token_with_our_own_reason(gateway):
    with gateway() as client:
        for reason, make in REFUSALS.items():
            assert_invalid_token(ask(client, make()), reason)
        assert_invalid_token(ask(client, "a.b.c"), "malformed")
        assert_invalid_token(ask(client, hs256_with_the_public_key()), "algorithm")
        assert ask(client, token(kid=None)).status_code == 403  # one key published: no kid needed
