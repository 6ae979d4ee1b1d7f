"""The fake message provider: the API of app/welfare/messenger.py on a real HTTP server, keeping
what it was sent, deduplicating by Idempotency-Key as real providers do, and failing on demand.

    POST /v1/messages   -> 201 {"id"}; the same key again -> 200 with the same id (counted as a repeat)
    GET  /v1/messages   -> {"messages": [...], "repeats": n}   (what a test or demo inspects)
    POST /v1/faults     -> set faults: {"unavailable": n} answers the next n sends 503 without
                           keeping them; {"lose_answers": n} keeps the next n but answers 502, as a
                           provider whose answer is lost on the way; {"refuse": ["+62..."]} answers
                           400 for those numbers.
Every route needs the bearer token."""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass, field
from itertools import count

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


@dataclass
class Faults:
    unavailable: int = 0
    lose_answers: int = 0
    refuse: list[str] = field(default_factory=list)


@dataclass
class Outbox:
    token: str
    messages: dict[str, dict] = field(default_factory=dict)  # by reference
    repeats: int = 0
    faults: Faults = field(default_factory=Faults)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: count = field(default_factory=lambda: count(1))


def create_fake_messenger(outbox: Outbox) -> FastAPI:
    app = FastAPI(title="Fake message provider", docs_url=None, redoc_url=None, openapi_url=None)

    def authorised(request: Request) -> bool:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {outbox.token}".encode())

    @app.post("/v1/messages")
    async def send(request: Request):
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, 401)
        body = await request.json()
        reference = request.headers.get("Idempotency-Key") or body.get("reference")
        if not reference or not body.get("to") or not body.get("text"):
            return JSONResponse({"error": "to, text and an Idempotency-Key are required"}, 400)
        with outbox.lock:
            if outbox.faults.unavailable > 0:
                outbox.faults.unavailable -= 1
                return JSONResponse({"error": "temporarily unavailable"}, 503)
            if body["to"] in outbox.faults.refuse:
                return JSONResponse({"error": "number not reachable"}, 400)
            kept = outbox.messages.get(reference)
            if kept is not None:
                outbox.repeats += 1
                return JSONResponse({"id": kept["id"]}, 200)
            kept = {
                "id": f"msg-{next(outbox.ids)}",
                "to": body["to"],
                "text": body["text"],
                "reference": reference,
            }
            outbox.messages[reference] = kept
            if outbox.faults.lose_answers > 0:
                outbox.faults.lose_answers -= 1
                return JSONResponse({"error": "bad gateway"}, 502)
        return JSONResponse({"id": kept["id"]}, 201)

    @app.get("/v1/messages")
    def sent(request: Request):
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, 401)
        with outbox.lock:
            return {"messages": list(outbox.messages.values()), "repeats": outbox.repeats}

    @app.post("/v1/faults")
    async def faults(request: Request):
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, 401)
        body = await request.json()
        with outbox.lock:
            outbox.faults = Faults(**body)
        return {"faults": body}

    return app
