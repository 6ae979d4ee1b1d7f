"""A provider callback whose token or signature header is not printable ASCII is refused as
unauthenticated (401), never a 500: Iris-like signatures are compared with hmac.compare_digest,
which raises on non-ASCII text, and header bytes reach the gateway as latin-1 text."""

from __future__ import annotations

import json

from starlette.datastructures import Headers

from app.payments.callbacks import receive
from app.payments.providers.iris import IrisProvider, iris_signature

BODY = json.dumps({"reference_no": "iris-1", "amount": "10000.00", "status": "completed"}).encode()


def iris() -> IrisProvider:
    return IrisProvider("http://127.0.0.1:9", creator_key="c", approver_key="a", merchant_key="m", timeout=1)


def test_a_non_ascii_iris_signature_is_401_not_an_exception():
    good = iris_signature(BODY, "m").encode()
    for value in (b"\xff" * 8, "é".encode() + good[1:], good[:-1] + b"\x00"):
        headers = Headers(raw=[(b"iris-signature", value), (b"content-type", b"application/json")])
        receipt = receive(None, iris(), headers, BODY, "203.0.113.9")  # refused before any database use
        assert (receipt.status, receipt.outcome) == (401, "unauthenticated")


def test_a_non_ascii_callback_token_over_http_is_401(client):
    for value in (b"\xff\xfe\xfd", "tök€n".encode()):
        answer = client.post(
            "/payments/callbacks/xendit",
            content=b'{"data": {}}',
            headers={"Content-Type": "application/json", "x-callback-token": value},
        )
        assert answer.status_code == 401, answer.text
        assert answer.json() == {"received": "unauthenticated"}
