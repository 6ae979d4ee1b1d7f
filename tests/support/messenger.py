"""The fake message provider (app/welfare/fakemessenger) on a real HTTP server in a thread, for
tests that send families' notices through it and then read what it received."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import uvicorn

from app.welfare.fakemessenger.server import Outbox, create_fake_messenger


@contextlib.contextmanager
def fake_messenger(token: str) -> Iterator[tuple[str, Outbox]]:
    """(base URL, the provider's outbox) while the server runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outbox = Outbox(token)
    server = uvicorn.Server(
        uvicorn.Config(create_fake_messenger(outbox), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(url + "/v1/messages", timeout=1)
            break
        except httpx.HTTPError:
            assert time.monotonic() < deadline, "the fake message provider did not start"
            time.sleep(0.05)
    try:
        yield url, outbox
    finally:
        server.should_exit = True
        thread.join(10)
