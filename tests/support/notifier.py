"""A payee notifier for tests: a real HTTP server on a loopback port that keeps every notice the
gateway POSTs to it (app/payments/notices.py), and can be told to refuse them."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Notifier:
    url: str
    received: list[dict] = field(default_factory=list)
    refuse: bool = False  # answer 503 to every notice

    def events(self, payee_key: str) -> list[tuple[int, str]]:
        return [(n["version"], n["event"]) for n in self.received if n["payeeKey"] == payee_key]


@contextlib.contextmanager
def notifier() -> Iterator[Notifier]:
    state = Notifier("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if state.refuse:
                self.send_response(503)
            else:
                state.received.append(json.loads(body))
                self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/notices"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
