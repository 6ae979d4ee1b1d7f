"""The fake provider's HTTP API: both payout shapes, callbacks to the gateway, and `/_fake/*`
controls for tests (faults, the list of payouts, forced reversals)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.payments.fakeprovider.faults import (
    FRACTIONAL_PREFIX,
    MALFORMED_PREFIX,
    REJECTED_PREFIX,
    UNFUNDED_PREFIX,
    Faults,
)
from app.payments.fakeprovider.state import ACCEPTED, FAILED, REVERSED, SUCCEEDED, FakePayout, Ledger
from app.payments.providers.iris import iris_signature


@dataclass(frozen=True)
class Credentials:
    xendit_secret_key: str
    xendit_callback_token: str
    iris_creator_key: str
    iris_approver_key: str
    iris_merchant_key: str


class FakeProvider:
    def __init__(self, credentials: Credentials, callback_base: str | None, faults: Faults | None = None):
        self.credentials = credentials
        self.callback_base = callback_base.rstrip("/") if callback_base else None
        self.ledger = Ledger()
        self.set_faults(faults or Faults())
        self.tasks: set[asyncio.Task] = set()
        self.http: httpx.AsyncClient | None = None

    def set_faults(self, faults: Faults) -> None:
        self.faults = faults
        self.random = random.Random(faults.seed)  # noqa: S311 (fault injection, not security)

    def chance(self, rate: float) -> bool:
        return rate > 0 and self.random.random() < rate

    def spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # -- payouts -----------------------------------------------------------------------------
    async def create(
        self, shape: str, key: str, fingerprint: str, fields: dict
    ) -> tuple[int, FakePayout | dict]:
        """(HTTP status, payout or error body). Idempotent by key: same request -> same payout."""
        ledger, faults = self.ledger, self.faults
        ledger.create_requests[key] = ledger.create_requests.get(key, 0) + 1
        ledger.count("create_requests")
        if self.chance(faults.error_rate):
            ledger.count("injected_5xx")
            return 503, {"error_code": "SERVER_ERROR", "message": "injected"}
        known = None if faults.forget_keys else ledger.keys.get((shape, key))
        if known is not None:
            if known[0] != fingerprint:
                return 409, {"error_code": "DUPLICATE_ERROR", "message": "idempotency key reused"}
            ledger.count("idempotent_replays")
            return 200, ledger.payouts[known[1]]
        if fields["account_number"].startswith(REJECTED_PREFIX) or self.chance(faults.reject_rate):
            ledger.count("rejected")
            return 400, {"error_code": "INVALID_DESTINATION", "message": "destination account is invalid"}
        payout = FakePayout(id=ledger.next_id(shape), shape=shape, key=key, **fields)
        payout.history.append(ACCEPTED)
        ledger.payouts[payout.id] = payout
        ledger.keys[(shape, key)] = (fingerprint, payout.id)
        ledger.count("payouts")
        if shape == "xendit":
            self.spawn(self.complete(payout))
        if self.chance(faults.timeout_rate):
            ledger.count("injected_timeouts")
            await asyncio.sleep(faults.timeout_seconds)
        elif self.chance(faults.error_after_rate):
            ledger.count("injected_5xx_after")
            return 500, {"error_code": "SERVER_ERROR", "message": "injected after creation"}
        return 200, payout

    def approve(self, payout: FakePayout) -> bool:
        if payout.approved:
            return False
        payout.approved = True
        self.spawn(self.complete(payout))
        return True

    async def complete(self, payout: FakePayout) -> None:
        faults = self.faults
        await asyncio.sleep(self.random.uniform(faults.complete_min_seconds, faults.complete_max_seconds))
        if payout.status != ACCEPTED:
            return
        if payout.account_number.startswith(UNFUNDED_PREFIX) or self.chance(faults.fail_rate):
            self.transition(payout, FAILED, "INSUFFICIENT_BALANCE")
            return
        self.transition(payout, SUCCEEDED)
        if self.chance(faults.reverse_rate):
            await asyncio.sleep(self.random.uniform(0, faults.complete_max_seconds))
            self.transition(payout, REVERSED, "REVERSED_BY_BANK")

    def transition(self, payout: FakePayout, status: str, failure_code: str | None = None) -> None:
        payout.status, payout.failure_code = status, failure_code
        payout.history.append(status)
        self.ledger.count(f"status_{status.lower()}")
        if self.callback_base:
            body, headers = self.callback(payout)
            copies = 2 if self.chance(self.faults.duplicate_rate) else 1
            self.ledger.count("callbacks_duplicated", copies - 1)
            for _ in range(copies):
                self.spawn(self.deliver(payout.shape, body, headers))

    # -- callbacks ---------------------------------------------------------------------------
    def callback(self, payout: FakePayout) -> tuple[bytes, dict[str, str]]:
        now = datetime.now(timezone.utc).isoformat()
        if payout.shape == "xendit":
            event = f"payout.{payout.status.lower()}"
            body = json.dumps(
                {"event": event, "business_id": "fake-business", "created": now, "data": payout.as_xendit()}
            ).encode()
            headers = {
                "x-callback-token": self.credentials.xendit_callback_token,
                "webhook-id": secrets.token_hex(12),
            }
        else:
            data = payout.as_iris()
            body = json.dumps(
                {
                    "reference_no": data["reference_no"],
                    "amount": data["amount"],
                    "status": data["status"],
                    "updated_at": now,
                    **({"error_code": data["error_code"]} if "error_code" in data else {}),
                }
            ).encode()
            headers = {"Iris-Signature": iris_signature(body, self.credentials.iris_merchant_key)}
        return body, {**headers, "Content-Type": "application/json"}

    async def deliver(self, shape: str, body: bytes, headers: dict[str, str]) -> None:
        url = f"{self.callback_base}/payments/callbacks/{shape}"
        if self.faults.callback_jitter_seconds:
            await asyncio.sleep(self.random.uniform(0, self.faults.callback_jitter_seconds))
        for attempt in range(self.faults.callback_retries + 1):
            try:
                response = await self.http.post(url, content=body, headers=headers)
                if response.status_code < 300:
                    self.ledger.count("callbacks_delivered")
                    return
            except httpx.HTTPError:
                pass
            self.ledger.count("callback_retries")
            await asyncio.sleep(min(2.0, 0.05 * 2**attempt))
        self.ledger.count("callbacks_abandoned")


def _basic_user(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        return base64.b64decode(header[6:]).decode().split(":", 1)[0]
    except ValueError:
        return None


def _rendered(payout: FakePayout, body: dict) -> dict:
    """A payout's answer, spoiled for the account numbers that ask for it (faults.py)."""
    if payout.account_number.startswith(MALFORMED_PREFIX):
        return {k: v for k, v in body.items() if k not in ("id", "reference_no", "status")}
    if payout.account_number.startswith(FRACTIONAL_PREFIX):
        return {**body, "amount": f"{payout.amount}.50" if payout.shape == "iris" else payout.amount + 0.5}
    return body


def xendit_body(payout: FakePayout) -> dict:
    return _rendered(payout, payout.as_xendit())


def iris_body(payout: FakePayout) -> dict:
    return _rendered(payout, payout.as_iris())


def _unauthorized() -> JSONResponse:
    return JSONResponse({"error_code": "INVALID_API_KEY", "message": "unauthorized"}, status_code=401)


def _fingerprint(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def create_fake_provider(provider: FakeProvider) -> Starlette:
    creds = provider.credentials

    async def xendit_create(request: Request):
        if _basic_user(request) != creds.xendit_secret_key:
            return _unauthorized()
        key = request.headers.get("idempotency-key")
        if not key:
            return JSONResponse({"error_code": "API_VALIDATION_ERROR", "message": "Idempotency-key"}, 400)
        body = await request.json()
        props = body.get("channel_properties") or {}
        fields = {
            "reference": body["reference_id"],
            "amount": int(body["amount"]),
            "channel_code": body["channel_code"],
            "account_number": props.get("account_number", ""),
            "holder": props.get("account_holder_name", ""),
        }
        status, result = await provider.create("xendit", key, _fingerprint(fields), fields)
        return JSONResponse(xendit_body(result) if isinstance(result, FakePayout) else result, status)

    async def xendit_get(request: Request):
        if _basic_user(request) != creds.xendit_secret_key:
            return _unauthorized()
        payout = provider.ledger.payouts.get(request.path_params["payout_id"])
        if payout is None or payout.shape != "xendit":
            return JSONResponse({"error_code": "DATA_NOT_FOUND"}, 404)
        return JSONResponse(xendit_body(payout))

    async def xendit_find(request: Request):
        if _basic_user(request) != creds.xendit_secret_key:
            return _unauthorized()
        if provider.faults.refuse_lookups:
            provider.ledger.count("lookups_refused")
            return JSONResponse({"error_code": "SERVER_ERROR", "message": "injected"}, 503)
        provider.ledger.count("lookups")
        reference = request.query_params.get("reference_id")
        found = [
            xendit_body(p)
            for p in provider.ledger.payouts.values()
            if p.shape == "xendit" and p.reference == reference
        ]
        return JSONResponse(found)

    async def iris_create(request: Request):
        if _basic_user(request) != creds.iris_creator_key:
            return _unauthorized()
        key = request.headers.get("x-idempotency-key")
        body = await request.json()
        items = body.get("payouts") or []
        if not key or not items:
            return JSONResponse({"error_message": "bad request", "errors": ["BAD_REQUEST"]}, 400)
        answers = []
        for index, item in enumerate(items):
            fields = {
                "reference": item.get("notes", ""),
                "amount": int(float(item["amount"])),
                "channel_code": item["beneficiary_bank"],
                "account_number": item["beneficiary_account"],
                "holder": item["beneficiary_name"],
            }
            item_key = key if len(items) == 1 else f"{key}#{index}"
            status, result = await provider.create("iris", item_key, _fingerprint(fields), fields)
            if not isinstance(result, FakePayout):
                body = {"error_message": result.get("message"), "errors": [result.get("error_code")]}
                return JSONResponse(body, status)
            answers.append(_rendered(result, {"status": "queued", "reference_no": result.id}))
        return JSONResponse({"payouts": answers}, 201)

    async def iris_approve(request: Request):
        if _basic_user(request) != creds.iris_approver_key:
            return _unauthorized()
        body = await request.json()
        for reference in body.get("reference_nos") or []:
            payout = provider.ledger.payouts.get(reference)
            if payout is None or payout.shape != "iris":
                return JSONResponse({"error_message": f"unknown {reference}"}, 404)
            provider.approve(payout)
        return JSONResponse({"status": "ok"}, 202)

    async def iris_get(request: Request):
        if _basic_user(request) not in (creds.iris_creator_key, creds.iris_approver_key):
            return _unauthorized()
        payout = provider.ledger.payouts.get(request.path_params["reference_no"])
        if payout is None or payout.shape != "iris":
            return JSONResponse({"error_message": "not found"}, 404)
        return JSONResponse(iris_body(payout))

    # -- controls for tests ------------------------------------------------------------------
    async def faults(request: Request):
        if request.method == "POST":
            provider.set_faults(Faults(**await request.json()))
        return JSONResponse(provider.faults.model_dump())

    async def payouts(request: Request):
        ledger = provider.ledger
        return JSONResponse(
            {
                "payouts": [
                    {
                        "id": p.id,
                        "shape": p.shape,
                        "key": p.key,
                        "reference": p.reference,
                        "amount": p.amount,
                        "accountNumber": p.account_number,  # where it was paid (tests of accounts)
                        "status": p.status,
                        "failureCode": p.failure_code,
                        "history": p.history,
                        "createRequests": ledger.create_requests.get(p.key, 0),
                    }
                    for p in ledger.payouts.values()
                ],
                "counters": ledger.counters,
                "pendingTasks": len(provider.tasks),
            }
        )

    async def force(request: Request):
        payout = provider.ledger.payouts.get(request.path_params["payout_id"])
        if payout is None:
            return JSONResponse({"error": "unknown payout"}, 404)
        body = await request.json()
        provider.transition(payout, body["status"], body.get("failureCode"))
        return JSONResponse({"id": payout.id, "status": payout.status})

    async def health(_request: Request):
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        provider.http = httpx.AsyncClient(timeout=5.0)
        yield
        for task in list(provider.tasks):
            task.cancel()
        await provider.http.aclose()

    routes = [
        Route("/v2/payouts", xendit_create, methods=["POST"]),
        Route("/v2/payouts", xendit_find, methods=["GET"]),
        Route("/v2/payouts/{payout_id}", xendit_get, methods=["GET"]),
        Route("/api/v1/payouts", iris_create, methods=["POST"]),
        Route("/api/v1/payouts/approve", iris_approve, methods=["POST"]),
        Route("/api/v1/payouts/{reference_no}", iris_get, methods=["GET"]),
        Route("/_fake/faults", faults, methods=["GET", "POST"]),
        Route("/_fake/payouts", payouts, methods=["GET"]),
        Route("/_fake/payouts/{payout_id}/status", force, methods=["POST"]),
        Route("/_fake/health", health, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
