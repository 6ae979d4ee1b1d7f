"""A Midtrans Iris-like provider: basic auth with the creator key to create (batch) payouts and
with the approver key to approve them (two-person rule), `X-Idempotency-Key` header, amounts as
decimal strings; callbacks are signed with `Iris-Signature = SHA512(body + merchant key)`.

The bridge sends one payout per batch so that the idempotency key stays one attempt's; the shape
accepts many. Iris has no search by our reference, so our key travels in `notes` and the payout is
found again by its reference_no (recorded in the outbox) or by repeating the create with the same
idempotency key."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import httpx

from app.ledger.rpc import redacted
from app.ledger.tls import tls_context
from app.payments.providers.base import (
    FAILED,
    PENDING,
    PROVIDER_4XX,
    REVERSED,
    SUCCEEDED,
    AnswerUnusable,
    CallbackNotice,
    CallbackRefused,
    Payout,
    PayoutOrder,
    ProviderRejected,
    ProviderUnavailable,
    parsed,
    rupiah,
)

STATUSES = {
    "queued": PENDING,
    "approved": PENDING,
    "processed": PENDING,
    "completed": SUCCEEDED,
    "failed": FAILED,
    "rejected": FAILED,
    "reversed": REVERSED,
}
SIGNATURE_HEADER = "iris-signature"


def iris_signature(body: bytes, merchant_key: str) -> str:
    return hashlib.sha512(body + merchant_key.encode()).hexdigest()


class IrisProvider:
    name = "iris"
    can_find = False  # no search by our reference: a payout is found by its reference_no only

    def __init__(
        self, base_url: str, *, creator_key: str, approver_key: str, merchant_key: str, timeout: float
    ) -> None:
        self._creator = httpx.Client(
            base_url=base_url, auth=(creator_key, ""), timeout=timeout, verify=tls_context()
        )
        self._approver = httpx.Client(
            base_url=base_url, auth=(approver_key, ""), timeout=timeout, verify=tls_context()
        )
        self._merchant_key = merchant_key

    def close(self) -> None:
        self._creator.close()
        self._approver.close()

    def __repr__(self) -> str:
        return f"IrisProvider({redacted(str(self._creator.base_url))})"

    def create(self, order: PayoutOrder) -> Payout:
        body = {
            "payouts": [
                {
                    "beneficiary_name": order.account_holder_name,
                    "beneficiary_account": order.account_number,
                    "beneficiary_bank": order.channel_code,
                    "amount": f"{order.amount}.00",
                    "notes": order.key,
                }
            ]
        }
        response = _send(
            self._creator, "POST", "/api/v1/payouts", json=body, headers={"X-Idempotency-Key": order.key}
        )
        if 400 <= response.status_code < 500:
            error = _json(response)
            codes = error.get("errors") or ["REJECTED"]
            raise ProviderRejected(str(codes[0]), str(error.get("error_message", "")))
        return parsed(
            lambda data: Payout(
                data["payouts"][0]["reference_no"],
                order.key,
                STATUSES.get(data["payouts"][0]["status"], PENDING),
                order.amount,
            ),
            _json(response),
        )

    def approve(self, payout: Payout) -> Payout:
        if payout.status != PENDING:
            return payout
        response = _send(
            self._approver, "POST", "/api/v1/payouts/approve", json={"reference_nos": [payout.reference]}
        )
        if response.status_code >= 400 and response.status_code != 409:  # 409: already approved
            raise ProviderUnavailable(f"approve {payout.reference}: HTTP {response.status_code}")
        return payout

    def get(self, reference: str) -> Payout:
        response = _send(self._creator, "GET", f"/api/v1/payouts/{reference}")
        if response.status_code >= 400:  # 5xx and 429 raised ProviderUnavailable in _send
            raise AnswerUnusable(PROVIDER_4XX)
        return parsed(
            lambda data: Payout(
                reference=data["reference_no"],
                key=data.get("notes"),
                status=STATUSES.get(data["status"], PENDING),
                amount=rupiah(data["amount"]),
                failure_code=data.get("error_code"),
            ),
            _json(response),
        )

    def find(self, key: str) -> list[Payout]:
        return []

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackNotice:
        given = headers.get(SIGNATURE_HEADER, "")
        if not given or not hmac.compare_digest(given.lower(), iris_signature(body, self._merchant_key)):
            raise CallbackRefused("Iris-Signature missing or wrong")
        try:
            data = json.loads(body)
            status = STATUSES[data["status"]]
            amount = _rupiah(data["amount"]) if data.get("amount") is not None else None
        except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
            raise CallbackRefused(f"malformed callback body ({type(exc).__name__})") from None
        return CallbackNotice(data.get("reference_no"), None, status, amount, data.get("error_code"))


def _rupiah(value) -> int:
    amount = Decimal(str(value))
    if amount != amount.to_integral_value():
        raise ValueError(f"fractional rupiah {value}")
    return int(amount)


def _send(client: httpx.Client, method: str, path: str, **kwargs) -> httpx.Response:
    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f"{method} {path}: {type(exc).__name__}") from None
    if response.status_code >= 500 or response.status_code == 429:
        raise ProviderUnavailable(f"{method} {path}: HTTP {response.status_code}")
    return response


def _json(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        raise ProviderUnavailable(f"HTTP {response.status_code} without a JSON body") from None
