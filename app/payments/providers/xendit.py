"""A Xendit Payouts v2-like provider: basic auth with the secret key, `Idempotency-key` header,
`reference_id`, `channel_code` and `channel_properties`; callbacks carry the shared
`x-callback-token` header."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping

import httpx

from app.ledger.rpc import redacted
from app.ledger.tls import tls_context
from app.payments.providers.base import (
    FAILED,
    MALFORMED_ANSWER,
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
    "ACCEPTED": PENDING,
    "REQUESTED": PENDING,
    "SUCCEEDED": SUCCEEDED,
    "FAILED": FAILED,
    "CANCELLED": FAILED,
    "REVERSED": REVERSED,
}
CALLBACK_TOKEN_HEADER = "x-callback-token"  # noqa: S105 (a header name)


class XenditProvider:
    name = "xendit"
    can_find = True  # GET /v2/payouts?reference_id=

    def __init__(self, base_url: str, *, secret_key: str, callback_token: str, timeout: float) -> None:
        self._http = httpx.Client(
            base_url=base_url, auth=(secret_key, ""), timeout=timeout, verify=tls_context()
        )
        self._callback_token = callback_token.encode()

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:  # never the credentials
        return f"XenditProvider({redacted(str(self._http.base_url))})"

    def create(self, order: PayoutOrder) -> Payout:
        body = {
            "reference_id": order.key,
            "channel_code": order.channel_code,
            "channel_properties": {
                "account_number": order.account_number,
                "account_holder_name": order.account_holder_name,
            },
            "amount": order.amount,
            "currency": "IDR",
            "description": order.description,
        }
        response = self._send("POST", "/v2/payouts", json=body, headers={"Idempotency-key": order.key})
        if response.status_code == 409:
            # The key was used with another body (e.g. the account changed between two tries):
            # the payout made under it is the one that counts.
            found = self.find(order.key)
            if found:
                return found[0]
        if 400 <= response.status_code < 500:
            error = _json(response)
            raise ProviderRejected(str(error.get("error_code", "REJECTED")), str(error.get("message", "")))
        return _payout(_json(response))

    def approve(self, payout: Payout) -> Payout:
        return payout

    def get(self, reference: str) -> Payout:
        response = self._send("GET", f"/v2/payouts/{reference}")
        if response.status_code >= 400:  # 5xx and 429 raised ProviderUnavailable in _send
            raise AnswerUnusable(PROVIDER_4XX)
        return _payout(_json(response))

    def find(self, key: str) -> list[Payout]:
        response = self._send("GET", "/v2/payouts", params={"reference_id": key})
        if response.status_code >= 400:
            raise ProviderUnavailable(f"GET payouts by reference: HTTP {response.status_code}")
        found = _json(response)
        if not isinstance(found, list):
            raise AnswerUnusable(MALFORMED_ANSWER)
        return [_payout(item) for item in found]

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackNotice:
        token = headers.get(CALLBACK_TOKEN_HEADER, "").encode()
        if not token or not hmac.compare_digest(token, self._callback_token):
            raise CallbackRefused("callback token missing or wrong")
        try:
            data = json.loads(body)["data"]
            status = STATUSES[data["status"]]
            amount = int(data["amount"]) if data.get("amount") is not None else None
        except (ValueError, KeyError, TypeError) as exc:
            raise CallbackRefused(f"malformed callback body ({type(exc).__name__})") from None
        return CallbackNotice(
            data.get("id"), data.get("reference_id"), status, amount, data.get("failure_code")
        )

    def _send(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
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


def _payout(data: dict) -> Payout:
    return parsed(
        lambda data: Payout(
            reference=data["id"],
            key=data.get("reference_id"),
            status=STATUSES.get(data["status"], PENDING),
            amount=rupiah(data["amount"]),
            failure_code=data.get("failure_code"),
        ),
        data,
    )
