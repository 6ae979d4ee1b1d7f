"""Dependencies shared by the routers, as Annotated aliases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from app.api.errors import ApiError
from app.auth.tokens import AuthError, IdentityProviderUnavailable, Principal
from app.config import Settings
from app.ledger.client import ChainClient
from app.ledger.signers import SignerRegistry

bearer = HTTPBearer(auto_error=False, description="An OIDC access token (RS256 JWT) with `roles`")


async def get_chain(request: Request) -> ChainClient:
    # async: a sync dependency costs each request a trip through FastAPI's threadpool
    return request.app.state.chain


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions


def get_read_sessions(request: Request) -> sessionmaker[Session]:
    """Sessions for reads only (app/db/session.py: they never take SQLite's write lock)."""
    return request.app.state.read_sessions


def get_signers(request: Request) -> SignerRegistry:
    return request.app.state.signers


def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    if credentials is None:
        raise ApiError(401, "unauthenticated", headers={"WWW-Authenticate": "Bearer"})
    try:
        return request.app.state.verifier.verify(credentials.credentials)
    except AuthError as exc:  # our own short reason (app/auth/tokens.py REASONS), no library text
        challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        raise ApiError(401, "invalid_token", detail=str(exc), headers=challenge) from None
    except IdentityProviderUnavailable:  # the keys could not be fetched: not the caller's mistake
        raise ApiError(503, "identity_provider_unavailable", headers={"Retry-After": "5"}) from None


ChainDep = Annotated[ChainClient, Depends(get_chain)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
ReadSessionsDep = Annotated[sessionmaker[Session], Depends(get_read_sessions)]
SignersDep = Annotated[SignerRegistry, Depends(get_signers)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Principal]:
    """A dependency admitting only principals holding one of `roles` (names of app/protocol/roles.py)."""
    allowed = frozenset(roles)

    def check(principal: PrincipalDep) -> Principal:
        if not principal.has_any(allowed):
            raise ApiError(403, "forbidden_role", detail=f"requires one of: {', '.join(sorted(allowed))}")
        return principal

    check.__name__ = f"require_{'_or_'.join(r.lower() for r in sorted(allowed))}"
    check.roles = allowed  # read by the endpoint matrix test (tests/gateway/test_api_matrix.py)
    return check


def officer_of(principal: Principal, agency_id: int) -> None:
    """Agency-scoped acts: an officer acts only for the agency in its token."""
    if principal.agency != agency_id:
        raise ApiError(
            403, "wrong_agency", detail=f"this token acts for agency {principal.agency}, not {agency_id}"
        )
