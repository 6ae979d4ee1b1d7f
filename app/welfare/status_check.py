"""The public status check (cek status bansos): a family types its NIK and the full name on its
identity card and sees, per programme, whether it is enrolled, refused, suspended or exited, why,
its appeal, and its next payment period. No login; the same answer for a NIK nobody enrolled and for
a NIK with the wrong name (app/welfare/name_checks.py), so the check reveals nothing about a NIK
without the name that goes with it.

Limits, in this process (like the read limits, app/api/ratelimit.py): each client address may try
`status_checks_burst` checks at once and then `status_checks_per_minute` (settings: 5, then 10 a
minute by default); each NIK may be tried `status_check_tries_per_nik` times and then once every
1/KEY_RATE seconds, whoever asks, so guessing the name of a known NIK is slow from any number of
addresses. A family locked out by someone else's guesses waits at most that long (a price paid for
the second limit). Every answer takes at least MIN_SECONDS, so a
NIK on record and one that is not cannot be told apart by time either."""

from __future__ import annotations

import time
from typing import Any

from fastapi import Request
from pydantic import SecretStr

from app.api.errors import ApiError
from app.api.ratelimit import ClientAddress, TokenBuckets
from app.protocol import welfare as welfarelib
from app.protocol.identity import InvalidIdentifier
from app.welfare.family_status import family_status
from app.welfare.households import beneficiary_key_of
from app.welfare.name_checks import matches

KEY_RATE = 1 / 600
MIN_SECONDS = 0.25


class StatusLimits:
    def __init__(self, settings, clock=time.monotonic) -> None:
        rate = settings.status_checks_per_minute / 60
        self.clients = TokenBuckets(rate, settings.status_checks_burst, clock)
        self.keys = TokenBuckets(KEY_RATE, settings.status_check_tries_per_nik, clock)
        self.address = ClientAddress(settings.rate_limit_trusted_proxies)


def _limits(request: Request) -> StatusLimits:
    state = request.app.state
    if getattr(state, "status_limits", None) is None:
        state.status_limits = StatusLimits(state.settings)
    return state.status_limits


def _refuse_if_waiting(wait: float) -> None:
    if wait > 0:
        raise ApiError(
            429,
            "rate_limited",
            detail="too many status checks; try again later",
            headers={"Retry-After": str(max(1, round(wait)))},
        )


def client_limit(request: Request) -> None:
    """Spends one of the client address's status-check tokens (the complaint form shares them)."""
    limits = _limits(request)
    _refuse_if_waiting(limits.clients.take(limits.address.of(request.scope)))


def check_status(
    request: Request, chain, sessions, settings, nik: SecretStr, name: SecretStr
) -> dict[str, Any]:
    """The family's programmes when NIK and name match a record, else none: {found, programmes}."""
    started = time.monotonic()
    limits = _limits(request)
    _refuse_if_waiting(limits.clients.take(limits.address.of(request.scope)))
    secret = settings.identity_hmac_key.get_secret_value().encode()
    try:
        key = welfarelib.beneficiary_key(secret, nik.get_secret_value())
    except InvalidIdentifier as exc:  # the message names the expected format, never the value
        raise ApiError(422, "invalid_identifier", detail=str(exc)) from None
    _refuse_if_waiting(limits.keys.take(key.hex()))
    programmes: list[dict[str, Any]] = []
    with sessions() as session:
        if matches(session, secret, key, name.get_secret_value()):
            decoder = request.app.state.txmanager.decoder
            family = beneficiary_key_of(session, key)  # the household's key, when enrolled by one
            programmes = family_status(chain, decoder, session, family)
    time.sleep(max(0.0, MIN_SECONDS - (time.monotonic() - started)))
    return {"found": bool(programmes), "programmes": programmes}
