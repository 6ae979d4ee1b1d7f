"""Verifying bearer tokens: RS256 JWTs from the configured issuer, keys from its JWKS URL (a real
OIDC provider) or from a local public key (the development issuer, `python -m app.auth.devissuer`).

Claims used: `sub` (who), `roles` (names from app/protocol/roles.py ROLES, e.g. "AGENCY_OFFICER"),
`agency` (the agency id an officer acts for), `supplier` (a supplier's registry id), `officer` (an
officer's own account, 0x address: the key the gateway signs that officer's Pokja and KPA acts with).

JWKS keys live in a cache that expires (TERANG_JWKS_CACHE_SECONDS): a key the provider removed stops
verifying within that period. A token whose `kid` the cache lacks fetches the JWKS again at most once
per TERANG_JWKS_REFETCH_SECONDS, so forged kids cannot make the gateway hammer the provider. When the
keys cannot be fetched (and the cache has expired) the answer is IdentityProviderUnavailable (503),
never a 401 that would tell a caller its good token is bad.

An AuthError carries one of our own short reasons (REASONS), never the JWT library's message."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from eth_utils import to_checksum_address

from app.config import Settings
from app.ledger.tls import tls_context
from app.protocol.roles import ROLES

ALGORITHM = "RS256"
ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
MAX_JWKS_BYTES = 256 * 1024
REASONS = {
    "malformed": "the token is malformed",
    "algorithm": "the token is not signed with RS256",
    "unknown_key": "the token's signing key is not one the identity provider publishes",
    "signature": "the token's signature does not verify",
    "expired": "the token has expired",
    "not_yet_valid": "the token is not valid yet",
    "audience": "the token is for another audience",
    "issuer": "the token is from another issuer",
    "missing_claim": "the token lacks a required claim (exp, iat, sub, iss, aud)",
    "roles": "claim 'roles' must be a list of role names this gateway knows",
    "agency": "claim 'agency' must be a positive integer",
    "supplier": "claim 'supplier' must be a positive integer",
    "officer": "claim 'officer' must be a 0x account address",
}


class AuthError(Exception):
    """The token is missing, malformed, expired, from another issuer or not signed by its keys.
    `reason` is a key of REASONS; str() is its short text."""

    def __init__(self, reason: str) -> None:
        super().__init__(REASONS[reason])
        self.reason = reason


class IdentityProviderUnavailable(Exception):
    """The identity provider's JWKS could not be fetched (or was not a JWKS): nothing to verify with."""


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str] = field(default_factory=frozenset)
    agency: int | None = None
    supplier: int | None = None
    officer: str | None = None  # the officer's own account (checksum address), when the token names it

    def has_any(self, roles: set[str] | frozenset[str]) -> bool:
        return bool(self.roles & roles)

    @property
    def key(self) -> str:
        """What idempotency keys are scoped to."""
        return f"sub:{self.subject}"


class JwksCache:
    """The provider's signing keys by `kid`, fetched with a bounded timeout and forgotten after
    `cache_seconds`. One fetch at a time; after a fetch (good or failed) an unknown kid waits
    `refetch_seconds` before it may cause another, and an expired cache whose last fetch failed
    answers IdentityProviderUnavailable until then."""

    def __init__(
        self,
        url: str,
        cache_seconds: float = 300.0,
        timeout_seconds: float = 5.0,
        refetch_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url, self.cache_seconds, self.refetch_seconds = url, cache_seconds, refetch_seconds
        self._timeout, self._clock = timeout_seconds, clock
        self._lock = threading.Lock()
        # (keys by kid, when fetched): one attribute, so a reader without the lock sees a pair
        self._cache: tuple[dict[str | None, Any], float] | None = None
        self._attempted_at: float | None = None  # last fetch, good or failed
        self._failed = False  # the last fetch failed
        self.fetches = 0  # how many times the provider was asked

    def key(self, kid: str | None) -> Any:
        found = self._cached(kid, self._clock())
        if found is not None:  # the common case: no lock, no fetch
            return found
        with self._lock:
            now = self._clock()
            may_fetch = self._attempted_at is None or now - self._attempted_at >= self.refetch_seconds
            if not self._fresh(now):
                if self._failed and not may_fetch:
                    raise IdentityProviderUnavailable()
                self._refresh(now)
            elif self._cached(kid, now) is None:
                if may_fetch:
                    self._refresh(now)  # perhaps a key the provider has just added (rotation)
                elif self._failed:
                    raise IdentityProviderUnavailable()
            found = self._cached(kid, now)
            if found is None:
                raise AuthError("unknown_key")
            return found

    def _fresh(self, now: float) -> bool:
        return self._cache is not None and now - self._cache[1] < self.cache_seconds

    def _cached(self, kid: str | None, now: float) -> Any:
        cache = self._cache
        if cache is None or now - cache[1] >= self.cache_seconds:
            return None
        keys = cache[0]
        if kid is None:  # a token without kid: only when the provider publishes exactly one key
            return next(iter(keys.values())) if len(keys) == 1 else None
        return keys.get(kid)

    def _refresh(self, now: float) -> None:
        self._attempted_at, self.fetches = now, self.fetches + 1
        try:
            keys = self._fetch()
        except IdentityProviderUnavailable:
            self._failed = True
            raise
        self._cache, self._failed = (keys, now), False

    def _fetch(self) -> dict[str | None, Any]:
        deadline = time.monotonic() + self._timeout  # the whole fetch, not each read, is bounded
        try:
            with (
                httpx.Client(timeout=self._timeout, follow_redirects=False, verify=tls_context()) as client,
                client.stream("GET", self.url, headers={"Accept": "application/json"}) as answer,
            ):
                if answer.status_code != 200:
                    raise IdentityProviderUnavailable()
                body = b""
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > MAX_JWKS_BYTES or time.monotonic() > deadline:
                        raise IdentityProviderUnavailable()
            document = json.loads(body)
        except (httpx.HTTPError, ValueError):
            raise IdentityProviderUnavailable() from None
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            raise IdentityProviderUnavailable()
        found: dict[str | None, Any] = {}
        for entry in keys:
            if not isinstance(entry, dict) or entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig":
                continue
            if entry.get("alg", ALGORITHM) != ALGORITHM:
                continue
            try:
                found[entry.get("kid")] = jwt.PyJWK.from_dict(entry, algorithm=ALGORITHM).key
            except jwt.PyJWTError:
                continue  # one key the library cannot read does not spoil the others
        return found


class TokenVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        public_key_file: Path | None = None,
        leeway_seconds: int = 30,
        jwks_cache_seconds: float = 300.0,
        jwks_timeout_seconds: float = 5.0,
        jwks_refetch_seconds: float = 30.0,
    ) -> None:
        if not jwks_url and not public_key_file:
            raise ValueError("set TERANG_JWKS_URL (OIDC provider) or TERANG_JWT_PUBLIC_KEY_FILE")
        self.issuer, self.audience, self.leeway = issuer, audience, leeway_seconds
        self._public_key_file = public_key_file
        self.jwks = (
            JwksCache(jwks_url, jwks_cache_seconds, jwks_timeout_seconds, jwks_refetch_seconds)
            if jwks_url
            else None
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        return cls(
            settings.jwt_issuer,
            settings.jwt_audience,
            settings.jwks_url,
            None if settings.jwks_url else settings.jwt_public_key_file,
            jwks_cache_seconds=settings.jwks_cache_seconds,
            jwks_timeout_seconds=settings.jwks_timeout_seconds,
            jwks_refetch_seconds=settings.jwks_refetch_seconds,
        )

    @cached_property
    def _local_key(self) -> Any:
        """The public key, parsed once (given as PEM text, PyJWT would parse it on every request)."""
        if not self._public_key_file:
            return None
        return serialization.load_pem_public_key(self._public_key_file.read_bytes())

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("malformed") from None
        if header.get("alg") != ALGORITHM:
            raise AuthError("algorithm")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise AuthError("malformed")
        key = self.jwks.key(kid) if self.jwks else self._local_key
        claims = self._decode(token, key)
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) and r in ROLES for r in roles):
            raise AuthError("roles")
        agency, supplier = claims.get("agency"), claims.get("supplier")
        for name, value in (("agency", agency), ("supplier", supplier)):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
                raise AuthError(name)
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise AuthError("malformed")
        officer = claims.get("officer")
        if officer is not None:
            if not isinstance(officer, str) or not ADDRESS.match(officer):
                raise AuthError("officer")
            officer = to_checksum_address(officer)
        return Principal(
            subject=claims["sub"], roles=frozenset(roles), agency=agency, supplier=supplier, officer=officer
        )

    def _decode(self, token: str, key: Any) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("expired") from None
        except jwt.ImmatureSignatureError:
            raise AuthError("not_yet_valid") from None
        except jwt.InvalidAudienceError:
            raise AuthError("audience") from None
        except jwt.InvalidIssuerError:
            raise AuthError("issuer") from None
        except jwt.InvalidSignatureError:
            raise AuthError("signature") from None
        except jwt.MissingRequiredClaimError:
            raise AuthError("missing_claim") from None
        except (jwt.InvalidAlgorithmError, jwt.InvalidKeyError):
            raise AuthError("algorithm") from None
        except jwt.PyJWTError:  # DecodeError, InvalidIssuedAtError, ...
            raise AuthError("malformed") from None
