"""Read admission (app/api/read_admission.py): at most `slots` GET and HEAD requests inside the routes
at once, the others in arrival order; health, metrics, the streamed exports and every write pass
straight on; a reader that goes away while queued takes no slot with it. The middleware is driven
through ASGI calls over a stand-in for the routes that records who is inside; the last test checks
that the gateway itself installs it with the configured number of slots."""

from __future__ import annotations

import asyncio

import pytest

from app.api.read_admission import ReadAdmissionMiddleware
from app.main import create_app


class Routes:
    """Stands for the routes: each request waits inside until the test lets it out."""

    def __init__(self) -> None:
        self.inside: set[str] = set()
        self.most = 0
        self.entered: list[str] = []
        self.release: dict[str, asyncio.Event] = {}

    async def __call__(self, scope, receive, send) -> None:
        name = scope["path"] + "?" + scope["query_string"].decode()
        self.entered.append(name)
        self.inside.add(name)
        self.most = max(self.most, len(self.inside))
        gate = self.release.setdefault(name, asyncio.Event())
        try:
            await gate.wait()
        finally:
            self.inside.discard(name)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    def let_out(self, name: str) -> None:
        self.release.setdefault(name, asyncio.Event()).set()


def request(method: str, path: str, query: str = "") -> dict:
    return {"type": "http", "method": method, "path": path, "query_string": query.encode(), "headers": []}


async def call(app, scope) -> int:
    statuses = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    return statuses[0]


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=10))


def reading(gate, path: str, query: str = "") -> asyncio.Task:
    """A GET of `path?query` through the gate, under way (its name inside: "path?query")."""
    return asyncio.create_task(call(gate, request("GET", path, query)))


def test_at_most_slots_reads_are_inside_the_routes_at_once():
    async def story():
        routes = Routes()
        gate = ReadAdmissionMiddleware(routes, slots=2)
        calls = [reading(gate, "/explorer/tenders", f"page={i}") for i in range(6)]
        names = [f"/explorer/tenders?page={i}" for i in range(6)]
        await settle()
        assert len(routes.inside) == 2 and gate.turns().queued() == 4
        for name in names:
            routes.let_out(name)
            await settle()
            assert len(routes.inside) <= 2
        assert await asyncio.gather(*calls) == [200] * 6
        assert routes.most == 2

    run(story())


def test_queued_reads_enter_in_the_order_they_arrived():
    async def story():
        routes = Routes()
        gate = ReadAdmissionMiddleware(routes, slots=1)
        cursors = (5, 3, 9, 1)
        names = [f"/ocds/releases?cursor={c}" for c in cursors]
        calls = []
        for c in cursors:  # each arrives after the one before is queued
            calls.append(reading(gate, "/ocds/releases", f"cursor={c}"))
            await settle()
        for name in names:
            routes.let_out(name)
            await settle()
        await asyncio.gather(*calls)
        assert routes.entered == names

    run(story())


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/health"),
        ("GET", "/health/details"),
        ("GET", "/metrics"),
        ("GET", "/ocds/releases.jsonl"),
        ("GET", "/explorer/redflags.json"),
        ("POST", "/tenders"),
        ("PUT", "/payees/abc/accounts"),
    ],
)
def test_health_metrics_exports_and_writes_pass_while_every_slot_is_taken(method, path):
    async def story():
        routes = Routes()
        gate = ReadAdmissionMiddleware(routes, slots=1)
        holder = reading(gate, "/explorer/")
        await settle()
        passing = asyncio.create_task(call(gate, request(method, path)))
        await settle()
        assert f"{path}?" in routes.inside  # inside beside the read holding the only slot
        routes.let_out(f"{path}?")
        routes.let_out("/explorer/?")
        assert await passing == 200 and await holder == 200

    run(story())


def test_a_reader_gone_while_queued_takes_no_slot_with_it():
    async def story():
        routes = Routes()
        gate = ReadAdmissionMiddleware(routes, slots=1)
        holder = reading(gate, "/explorer/", "a=1")
        await settle()
        gone = reading(gate, "/explorer/", "a=2")
        after = reading(gate, "/explorer/", "a=3")
        await settle()
        gone.cancel()
        await settle()
        assert gate.turns().queued() == 1
        routes.let_out("/explorer/?a=1")
        await settle()
        assert routes.inside == {"/explorer/?a=3"}  # the slot went past the reader that left
        routes.let_out("/explorer/?a=3")
        assert await holder == 200 and await after == 200
        assert gate.turns().free == 1 and "/explorer/?a=2" not in routes.entered
        assert routes.most == 1

    run(story())


def test_no_slots_configured_means_no_gate():
    async def story():
        routes = Routes()
        gate = ReadAdmissionMiddleware(routes, slots=0)
        calls = [reading(gate, "/explorer/", f"i={i}") for i in range(5)]
        await settle()
        assert len(routes.inside) == 5
        for i in range(5):
            routes.let_out(f"/explorer/?i={i}")
        await asyncio.gather(*calls)

    run(story())


def test_the_gateway_gates_its_reads_with_the_configured_slots(settings):
    app = create_app(settings.model_copy(update={"read_slots": 3}))
    gates = [m for m in app.user_middleware if m.cls is ReadAdmissionMiddleware]
    assert len(gates) == 1 and gates[0].kwargs == {"slots": 3}
