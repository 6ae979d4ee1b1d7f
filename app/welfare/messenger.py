"""The notifier adapter: a message provider's API in the shape SMS and WhatsApp gateways share.

    POST {base}/v1/messages   Authorization: Bearer <token>   Idempotency-Key: <reference>
    {"to": "+62812...", "text": "...", "reference": "<reference>"}
    -> 201 {"id": "<provider's message id>"}; the same reference again -> 200 with the same id

A reference is the notice's own and never changes, so a retry after a lost answer is one message.
`send` sorts every outcome into delivered, retry later (no answer, 401, 403, 408, 409, 425, 429,
5xx) or refused for good (any other 4xx: a number the provider will not take); errors never carry
the number or the text."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from app.ledger.tls import tls_context

DELIVERED, RETRY, REFUSED = "delivered", "retry", "refused"
# Answers worth another try: a timeout, too early, too many; and 401/403/409, which mean the
# gateway's token or the provider's account needs fixing, not that the number is wrong: a notice
# must survive that until an operator fixes it.
TRANSIENT = {401, 403, 408, 409, 425, 429}


@dataclass(frozen=True)
class Outcome:
    verdict: str  # DELIVERED, RETRY or REFUSED
    provider_id: str | None = None
    error: str | None = None


class Messenger:
    def __init__(self, base_url: str, token: str, timeout: float = 5.0) -> None:
        self.url = base_url.rstrip("/") + "/v1/messages"
        self._http = httpx.Client(
            timeout=timeout, verify=tls_context(), headers={"Authorization": f"Bearer {token}"}
        )

    def send(self, to: str, text: str, reference: str) -> Outcome:
        try:
            answer = self._http.post(
                self.url,
                json={"to": to, "text": text, "reference": reference},
                headers={"Idempotency-Key": reference},
            )
        except httpx.HTTPError as exc:
            return Outcome(RETRY, error=f"provider unreachable: {type(exc).__name__}")
        if answer.is_success:
            try:
                provider_id = str(answer.json()["id"])
            except (ValueError, KeyError, TypeError):
                return Outcome(RETRY, error=f"provider answered {answer.status_code} without a message id")
            return Outcome(DELIVERED, provider_id)
        verdict = RETRY if answer.status_code >= 500 or answer.status_code in TRANSIENT else REFUSED
        return Outcome(verdict, error=f"provider answered {answer.status_code}")

    def close(self) -> None:
        self._http.close()
