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
    def __init__(
        self,
        base_url: str,
        issuer_dir: Path | None = None,
        timeout: float = 120.0,
        rpc_url: str | None = None,
    ) -> None:
        """`issuer_dir`: the development issuer's keys, for `token` (not needed to send given tokens);
        `rpc_url`: the local chain, whose development accounts are deploy/local.yaml's officials."""
        self.http = httpx.Client(base_url=base_url, timeout=timeout)
        self.issuer_dir = issuer_dir
        self.rpc_url = rpc_url
        self._tokens: dict[tuple, str] = {}
        self._config = None
        self._officials: dict[str, str] = {}  # sender (lower case) -> how the summary names it

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
        """A development bearer token naming its official (`officer`): every act of a person is signed
        with that official's own key. By default the official of deploy/local.yaml for the role and
        agency (toolchain.dev_signers.dev_official; sub `pphp-2`: the second verifier)."""
        if officer is None and len(roles) == 1 and self.rpc_url is not None:
            officer = self._dev_official(roles[0], agency, sub)
        cache_key = (roles, agency, supplier, officer, sub)
        if cache_key not in self._tokens:
            from app.auth import devissuer  # jwt and cryptography: only for the pilot's own tokens

            if self.issuer_dir is None:
                raise PilotError("this client has no development issuer to make tokens with")
            self._tokens[cache_key] = devissuer.issue(
                sub, list(roles), agency, supplier, folder=self.issuer_dir, officer=officer
            )
        return {"Authorization": f"Bearer {self._tokens[cache_key]}"}

    def _dev_official(self, role: str, agency: int | None, sub: str) -> str | None:
        from toolchain.deploy_config import load_deploy_config
        from toolchain.dev_signers import ROOT, dev_official

        if self._config is None:
            self._config = load_deploy_config(
                ROOT / "deploy" / "local.yaml", rpc(self.rpc_url, "eth_accounts")
            )
        return dev_official(self._config, role, agency, sub)

    def committee_members(self) -> list[dict]:
        """Tokens of the first official of each member agency of the committee (deploy/local.yaml),
        in the config's order: each proposes, approves and executes with its own key."""
        self._dev_official("COMMITTEE", None, "")  # loads the config
        return [
            self.token("COMMITTEE", agency=m.agency, officer=m.officials[0], sub=f"komite-{m.agency}")
            for m in self._config.committee_members
            if m.officials
        ]

    def committee_act(self, proposed: dict, clock) -> dict:
        """Takes a proposal an act's URL answered to execution: a second member agency approves, it
        is scheduled, the clock moves past the hub's delay, it executes. The execution's answer."""
        first, second = self.committee_members()[:2]
        base = f"/committee/proposals/{proposed['proposalId']}"
        self.post(f"{base}/approvals", {}, second)
        scheduled = self.post(f"{base}/schedule", {}, first)
        clock.move_past(scheduled["executableAt"])
        return self.post(f"{base}/execution", {}, first)

    def official(self, tx_hash: str) -> str:
        """Who sent transaction `tx_hash`, as the summary names it: the official's account, its
        agency and roles (GET /officials/{address}), else the account alone (a supplier, the relayer)."""
        sender = rpc(self.rpc_url, "eth_getTransactionByHash", [tx_hash])["from"] if self.rpc_url else None
        if sender is None:
            return ""
        # One read per person, not per act: the summary names many acts of few officials, and the
        # gateway's public rate limit would refuse a read per act.
        if sender.lower() not in self._officials:
            try:
                who = self.get(f"/officials/{sender}")
            except PilotError:
                self._officials[sender.lower()] = sender
            else:
                roles = "+".join(who["roles"]) or "no role"
                self._officials[sender.lower()] = (
                    f"{who['address']} ({who['agencyName'] or 'no agency'}; {roles})"
                )
        return self._officials[sender.lower()]

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
