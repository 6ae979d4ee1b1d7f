"""Verifying bearer tokens: RS256 JWTs from the configured issuer, keys from its JWKS URL (a real
OIDC provider) or from a local public key (the development issuer, `python -m app.auth.devissuer`).

Claims used: `sub` (who), `roles` (names from app/protocol/roles.py ROLES, e.g. "AGENCY_OFFICER"),
`agency` (the agency id an officer acts for), `supplier` (a supplier's registry id)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from app.protocol.roles import ROLES


class AuthError(Exception):
    """The token is missing, malformed, expired, from another issuer or not signed by its keys."""


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str] = field(default_factory=frozenset)
    agency: int | None = None
    supplier: int | None = None

    def has_any(self, roles: set[str] | frozenset[str]) -> bool:
        return bool(self.roles & roles)

    @property
    def key(self) -> str:
        """What idempotency keys are scoped to."""
        return f"sub:{self.subject}"


class TokenVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        public_key_file: Path | None = None,
        leeway_seconds: int = 30,
    ) -> None:
        if not jwks_url and not public_key_file:
            raise ValueError("set TERANG_JWKS_URL (OIDC provider) or TERANG_JWT_PUBLIC_KEY_FILE")
        self.issuer, self.audience, self.leeway = issuer, audience, leeway_seconds
        self._jwks_url, self._public_key_file = jwks_url, public_key_file

    @cached_property
    def _jwks(self) -> jwt.PyJWKClient | None:
        return jwt.PyJWKClient(self._jwks_url, cache_keys=True, lifespan=300) if self._jwks_url else None

    @cached_property
    def _local_key(self) -> Any:
        """The public key, parsed once (given as PEM text, PyJWT would parse it on every request)."""
        if not self._public_key_file:
            return None
        return serialization.load_pem_public_key(self._public_key_file.read_bytes())

    def verify(self, token: str) -> Principal:
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self._local_key
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(str(exc)) from None
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise AuthError("claim 'roles' must be a list of role names")
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            raise AuthError(f"unknown role(s) in token: {', '.join(unknown)}")
        agency, supplier = claims.get("agency"), claims.get("supplier")
        for name, value in (("agency", agency), ("supplier", supplier)):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
                raise AuthError(f"claim '{name}' must be a positive integer")
        return Principal(subject=str(claims["sub"]), roles=frozenset(roles), agency=agency, supplier=supplier)
