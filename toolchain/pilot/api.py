"""The pilot's view of the gateway: an HTTP client that sends every write with a fresh
Idempotency-Key, mints development tokens per actor and turns a problem answer into PilotError."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx

from toolchain.jsonrpc import rpc

# The two treasury officials of the pilot's offices (their own accounts, as their tokens name them):
# a payout account is proposed by one and approved by the other (app/payments/accounts.py).
TREASURY_OFFICIALS = ("0x" + "7" * 40, "0x" + "8" * 40)


class PilotError(Exception):
    """A step of the pilot failed; the message names the step and the gateway's problem code."""


class Gateway:
    def __init__(self, base_url: str, issuer_dir: Path | None = None, timeout: float = 120.0) -> None:
        """`issuer_dir`: the development issuer's keys, for `token` (not needed to send given tokens)."""
        self.http = httpx.Client(base_url=base_url, timeout=timeout)
        self.issuer_dir = issuer_dir
        self._tokens: dict[tuple, str] = {}

    def close(self) -> None:
        self.http.close()

    def token(
        self,
        *roles: str,
        agency: int | None = None,
        supplier: int | None = None,
        officer: str | None = None,
        sub: str,
    ) -> dict:
        """A development bearer token; `officer` names the officer's own account (its Pokja and KPA
        acts are signed with that officer's key, never the agency's)."""
        cache_key = (roles, agency, supplier, officer, sub)
        if cache_key not in self._tokens:
            from app.auth import devissuer  # jwt and cryptography: only for the pilot's own tokens

            if self.issuer_dir is None:
                raise PilotError("this client has no development issuer to make tokens with")
            self._tokens[cache_key] = devissuer.issue(
                sub, list(roles), agency, supplier, folder=self.issuer_dir, officer=officer
            )
        return {"Authorization": f"Bearer {self._tokens[cache_key]}"}

    def get(self, path: str, auth: dict | None = None, **params) -> dict:
        return self._answer("GET", path, self.http.get(path, headers=auth or {}, params=params or None))

    def payout_account(self, payee: str, account: dict, office: str) -> dict:
        """A payee's first payout account under four eyes: proposed by one treasury official of
        `office`, approved by a second (each named by its own account); answers the approved version."""
        first, second = (
            self.token("TREASURY", sub=f"bendahara-{office}-{n}", officer=address)
            for n, address in enumerate(TREASURY_OFFICIALS, start=1)
        )
        proposed = self.post(f"/payments/accounts/{payee}/versions", account, first)
        return self.post(f"/payments/accounts/{payee}/versions/{proposed['version']}/approval", None, second)

    def post(self, path: str, body: dict | None, auth: dict) -> dict:
        headers = {**auth, "Idempotency-Key": str(uuid.uuid4())}
        return self._answer("POST", path, self.http.post(path, json=body, headers=headers))

    def put(self, path: str, body: dict, auth: dict) -> dict:
        headers = {**auth, "Idempotency-Key": str(uuid.uuid4())}
        return self._answer("PUT", path, self.http.put(path, json=body, headers=headers))

    @staticmethod
    def _answer(method: str, path: str, response: httpx.Response) -> dict:
        if response.is_success:
            return response.json()
        try:
            problem = response.json()
            reason = f"{problem.get('code')}: {problem.get('detail') or problem.get('title')}"
        except ValueError:
            reason = response.text[:200]
        raise PilotError(f"{method} {path} answered {response.status_code} ({reason})")


class LocalClock:
    """The local chain's clock: the pilot moves it past deadlines instead of waiting for them."""

    def __init__(self, rpc_url: str) -> None:
        self.rpc_url = rpc_url

    def now(self) -> int:
        return int(rpc(self.rpc_url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def move_past(self, timestamp: int) -> None:
        if self.now() <= timestamp:
            rpc(self.rpc_url, "evm_setNextBlockTimestamp", [timestamp + 1])
            rpc(self.rpc_url, "evm_mine")


def wait_until(predicate, what: str, timeout: float = 60.0, interval: float = 0.25):
    """Polls `predicate` until it returns something truthy; PilotError naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise PilotError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
