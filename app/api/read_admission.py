"""Read admission: at most `slots` GET and HEAD requests inside the routes at once; the others wait
their turn in the event loop, first come first served (a plain ASGI middleware).

Why: the routes are plain functions run on anyio's worker threads (40 of them). Thirty-two readers
at once meant thirty-two threads taking turns with Python's interpreter lock, and the unlucky ones
waited many turns: a page that costs 3 ms of CPU answered at p50 97 ms and p99 309 ms under 32
clients. Admitted a few at a time, the same requests queue in arrival order and leave the threads
to whoever else needs them: a flood of readers holds at most `slots` of the 40, never the writes'
share (writes hold their thread until the receipt is in, app/api/writes.py).

Not gated: /health and /metrics (operators look while a flood is on), the streamed exports
(/ocds/releases.jsonl, /explorer/redflags.json) and the stored documents (/documents/…), which would
hold a slot for a whole download (a 50 MiB PDF to a phone on a slow line) and which give the threads
back between chunks anyway. Every other method passes straight on.

The queue lives in the running event loop (one per server, or per TestClient), created on first
use, so one application object serves several loops in tests."""

from __future__ import annotations

import asyncio
import weakref
from collections import deque

GATED_METHODS = frozenset({"GET", "HEAD"})
EXEMPT_PATHS = frozenset({"/health", "/metrics", "/ocds/releases.jsonl", "/explorer/redflags.json"})
EXEMPT_PREFIXES = ("/health/", "/documents/")


def gated(scope) -> bool:
    if scope["type"] != "http" or scope["method"] not in GATED_METHODS:
        return False
    path = scope["path"]
    return path not in EXEMPT_PATHS and not path.startswith(EXEMPT_PREFIXES)


class Turns:
    """A first-come-first-served counting gate of one event loop."""

    def __init__(self, slots: int) -> None:
        self.free = slots
        self.waiting: deque[asyncio.Future] = deque()

    async def enter(self) -> None:
        if self.free > 0 and not self.waiting:
            self.free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.leave()  # the slot was handed over as the client went away: pass it on
            else:
                self.waiting.remove(turn)
            raise

    def leave(self) -> None:
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # the slot goes straight to the next in line
                return
        self.free += 1

    def queued(self) -> int:
        return len(self.waiting)


class ReadAdmissionMiddleware:
    def __init__(self, app, slots: int) -> None:
        self.app = app
        self.slots = slots
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Turns] = weakref.WeakKeyDictionary()

    def turns(self) -> Turns:
        loop = asyncio.get_running_loop()
        turns = self._turns.get(loop)
        if turns is None:
            turns = self._turns[loop] = Turns(self.slots)
        return turns

    async def __call__(self, scope, receive, send) -> None:
        if self.slots <= 0 or not gated(scope):
            await self.app(scope, receive, send)
            return
        turns = self.turns()
        await turns.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            turns.leave()
