"""A JSON-RPC proxy standing for one consortium node in front of the local chain.

One local chain cannot be four agencies' nodes; several of these proxies in front of it can be
killed, slowed down or made to lag like real ones, which is what the gateway's failover, the
operations drills and the failover benchmark need. (A real multi-validator network cannot run
on this machine: there is no Besu here.)

    python -m toolchain.rpcproxy --upstream http://127.0.0.1:8545 --port 8601 --name lkpp

Controlled over HTTP on the same port (so a runbook's drill can use curl):
    POST /__proxy__ {"state": "down"}           refuse connections (the port is closed)
    POST /__proxy__ {"state": "up"}             forward again
    POST /__proxy__ {"delay_seconds": 1.5}      answer every call that much later
    POST /__proxy__ {"lag_blocks": 20}          report a head that many blocks behind
    POST /__proxy__ {"drop_answers": true}      forward each call, then hang up without answering
    POST /__proxy__ {"forge_hashes": true}      answer with block hashes of another history
    GET  /__proxy__                             the proxy's settings and counters
While down, the port is closed, so "down" is sent from the process that runs the proxy
(`ProxyNode.down()`), or with --control-port, a second port that stays open."""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

CONTROL_PATH = "/__proxy__"


@dataclass
class ProxySettings:
    delay_seconds: float = 0.0
    lag_blocks: int = 0
    drop_answers: bool = False  # forward, then hang up without answering (the answer is lost)
    forge_hashes: bool = False  # answer with block hashes of another history (a compromised endpoint)
    calls: int = 0  # JSON-RPC requests forwarded
    methods: dict[str, int] = field(default_factory=dict)


class ProxyNode:
    """One proxy: `up()` listens on `port` (0: a free one, kept across down/up), `down()` closes it."""

    def __init__(self, upstream: str, port: int = 0, name: str = "node", host: str = "127.0.0.1") -> None:
        parts = urlsplit(upstream)
        self.upstream_host, self.upstream_port = parts.hostname or "127.0.0.1", parts.port or 80
        self.upstream_path = parts.path or "/"
        self.host, self.port, self.name = host, port, name
        self.settings = ProxySettings()
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()
        self._local = threading.local()
        self._connections: set[socket.socket] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def is_up(self) -> bool:
        return self._server is not None

    def up(self) -> ProxyNode:
        with self._lock:
            if self._server is None:
                self._server = _Server((self.host, self.port), _handler(self))
                self.port = self._server.server_address[1]
                threading.Thread(
                    target=self._server.serve_forever, name=f"proxy-{self.name}", daemon=True
                ).start()
        return self

    def down(self) -> None:
        """Close the port and every connection open on it (a kept-alive client sees a reset, as when
        a node's process dies)."""
        with self._lock:
            server, self._server = self._server, None
            open_connections, self._connections = self._connections, set()
        if server is not None:
            server.shutdown()
            server.server_close()
        for connection in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def configure(self, **changes: Any) -> None:
        for key, value in changes.items():
            if key == "state" and value == "up":
                self.up()
            elif key == "state" and value == "down":
                self.down()
            elif key in ("drop_answers", "forge_hashes"):
                setattr(self.settings, key, bool(value))
            elif key in ("delay_seconds", "lag_blocks"):
                setattr(self.settings, key, type(getattr(self.settings, key))(value))

    def describe(self) -> dict[str, Any]:
        s = self.settings
        return {
            "name": self.name,
            "state": "up" if self.is_up else "down",
            "delay_seconds": s.delay_seconds,
            "lag_blocks": s.lag_blocks,
            "drop_answers": s.drop_answers,
            "forge_hashes": s.forge_hashes,
            "calls": s.calls,
            "methods": dict(s.methods),
        }

    # --- forwarding -------------------------------------------------------------------------------
    def forward(self, body: bytes) -> tuple[int, bytes]:
        request = json.loads(body)
        calls = request if isinstance(request, list) else [request]
        with self._lock:
            self.settings.calls += len(calls)
            for call in calls:
                method = call.get("method", "?")
                self.settings.methods[method] = self.settings.methods.get(method, 0) + 1
        if self.settings.delay_seconds:
            time.sleep(self.settings.delay_seconds)
        lag = self.settings.lag_blocks
        if lag:
            body = json.dumps(self._behind(request, lag)).encode()
        status, answer = self._upstream(body)
        if lag and status == 200:
            answer = json.dumps(self._lagging_answer(request, json.loads(answer), lag)).encode()
        if self.settings.forge_hashes and status == 200:
            answer = answer.replace(b'"hash":"0x', b'"hash":"0xdead')
        return status, answer

    def _upstream(self, body: bytes) -> tuple[int, bytes]:
        connection = getattr(self._local, "connection", None)
        for attempt in (1, 2):
            if connection is None:
                connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
                self._local.connection = connection
            try:
                connection.request("POST", self.upstream_path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = self._local.connection = None
                if attempt == 2:
                    return 502, b'{"error": "upstream unreachable"}'
        raise AssertionError("unreachable")

    def _head(self) -> int:
        status, answer = self._upstream(
            json.dumps({"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber", "params": []}).encode()
        )
        return int(json.loads(answer)["result"], 16) if status == 200 else 0

    def _behind(self, request: Any, lag: int) -> Any:
        """A lagging node's view: "latest" is the block `lag` behind the real head."""
        calls = request if isinstance(request, list) else [request]
        for call in calls:
            params = call.get("params") or []
            if call.get("method") == "eth_getBlockByNumber" and params and params[0] in ("latest", "pending"):
                call["params"] = [hex(max(self._head() - lag, 0)), *params[1:]]
        return request

    def _lagging_answer(self, request: Any, answer: Any, lag: int) -> Any:
        calls = request if isinstance(request, list) else [request]
        answers = answer if isinstance(answer, list) else [answer]
        by_id = {a.get("id"): a for a in answers if isinstance(a, dict)}
        for call in calls:
            found = by_id.get(call.get("id"))
            if call.get("method") == "eth_blockNumber" and found and "result" in found:
                found["result"] = hex(max(int(found["result"], 16) - lag, 0))
        return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _handler(node: ProxyNode) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            with node._lock:
                node._connections.add(self.connection)

        def finish(self) -> None:
            with node._lock:
                node._connections.discard(self.connection)
            with contextlib.suppress(OSError):
                super().finish()

        def log_message(self, *args: Any) -> None:  # quiet: the drills read counters, not logs
            pass

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == CONTROL_PATH:
                self._send(200, json.dumps(node.describe()).encode())
            else:
                self._send(404, b'{"error": "not found"}')

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == CONTROL_PATH:
                try:
                    changes = json.loads(body or b"{}")
                    assert isinstance(changes, dict)
                except (ValueError, AssertionError):
                    self._send(400, b'{"error": "a JSON object of settings"}')
                    return
                self._send(200, json.dumps(node.describe()).encode())
                # "down" closes the server this answer came from: after answering, on another thread
                threading.Thread(target=node.configure, kwargs=changes, daemon=True).start()
                return
            try:
                status, answer = node.forward(body)
            except ValueError:
                status, answer = 400, b'{"error": "not JSON"}'
            if node.settings.drop_answers:  # the node acted on the call; its answer never arrives
                self.close_connection = True
                return
            self._send(status, answer)

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m toolchain.rpcproxy", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--upstream", required=True, help="the node to forward to, http://host:port")
    parser.add_argument("--port", type=int, required=True, help="port to listen on (127.0.0.1)")
    parser.add_argument("--name", default="node", help="the node's name in the drills' output")
    parser.add_argument("--control-port", type=int, default=None, help="a second port that stays open")
    args = parser.parse_args(argv)
    if urlsplit(args.upstream).scheme != "http":
        print("rpcproxy: --upstream must be an http:// URL", file=sys.stderr)
        return 2
    node = ProxyNode(args.upstream, args.port, args.name)
    try:
        node.up()
    except OSError as exc:
        print(f"rpcproxy: cannot listen on port {args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    if args.control_port:
        control = ProxyNode(args.upstream, args.control_port, f"{args.name}-control")
        control.forward = lambda body: (404, b'{"error": "control port: use /__proxy__"}')  # type: ignore[method-assign]
        control.describe = node.describe  # type: ignore[method-assign]
        control.configure = node.configure  # type: ignore[method-assign]
        control.up()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"rpcproxy {args.name}: {node.url} -> {args.upstream}", flush=True)
    stop.wait()
    node.down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
