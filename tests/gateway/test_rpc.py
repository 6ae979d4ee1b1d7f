"""The write path's plain JSON-RPC client (app/ledger/rpc.py) against real HTTP servers: anvil for the
answers and errors of a real node, a small local server for what nodes and proxies do wrong."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.ledger.rpc import JsonRpc, RpcError, RpcUnavailable, redacted


@contextmanager
def server(answer) -> Iterator[tuple[str, list]]:
    """An HTTP server whose every POST is answered by `answer(handler, request_json)`; yields its URL
    and the list of (headers, request) it received."""
    seen: list = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append((dict(self.headers), body))
            answer(self, body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def reply(handler, status: int, payload: bytes, close: bool = False) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(payload)))
    if close:
        handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(payload)
    if close:
        handler.close_connection = True


def test_a_real_node_answers_and_refuses_an_unknown_method(chain_url):
    rpc = JsonRpc(chain_url)
    assert int(rpc.call("eth_chainId"), 16) == 31337
    with pytest.raises(RpcError) as refused:
        rpc.call("eth_noSuchMethod", [])
    assert refused.value.code == -32601 and not refused.value.is_revert()


def test_revert_data_is_found_where_each_node_puts_it():
    geth = RpcError("eth_call", 3, "execution reverted", "0x08c379a0")
    ganache = RpcError("eth_call", -32000, "VM Exception: revert", {"result": "0xdeadbeef", "reason": None})
    message_only = RpcError("eth_estimateGas", -32000, "execution reverted: not allowed")
    other = RpcError("eth_sendRawTransaction", -32000, "insufficient funds for gas * price + value")
    assert geth.revert_data() == "0x08c379a0" and geth.is_revert()
    assert ganache.revert_data() == "0xdeadbeef" and ganache.is_revert()
    assert message_only.revert_data() is None and message_only.is_revert()
    assert not other.is_revert()


def test_credentials_in_the_url_are_sent_as_basic_authentication():
    with server(
        lambda h, body: reply(
            h, 200, json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": "0x1"}).encode()
        )
    ) as (
        url,
        seen,
    ):
        rpc = JsonRpc(url.replace("http://", "http://node-user:s%40cret@") + "/rpc?key=abc")
        assert rpc.call("eth_blockNumber") == "0x1"
    headers, request = seen[0]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"node-user:s@cret").decode()
    assert request["method"] == "eth_blockNumber"


def test_a_connection_the_node_closed_is_opened_again():
    def answer(handler, body):  # answers, then closes every connection
        reply(
            handler,
            200,
            json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": "0x2"}).encode(),
            close=True,
        )

    with server(answer) as (url, seen):
        rpc = JsonRpc(url)
        assert [rpc.call("eth_blockNumber") for _ in range(3)] == ["0x2"] * 3
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("status", "payload"),
    [(503, b"busy"), (429, b"slow down"), (200, b"<html>not json</html>")],
)
def test_an_overloaded_or_wrong_endpoint_is_a_transient_failure(status, payload):
    with server(lambda h, body: reply(h, status, payload)) as (url, _), pytest.raises(RpcUnavailable):
        JsonRpc(url).call("eth_blockNumber")


def test_an_unreachable_node_is_a_transient_failure_without_the_url_secrets():
    rpc = JsonRpc("http://user:topsecret@127.0.0.1:9", timeout=2)
    with pytest.raises(RpcUnavailable) as failure:
        rpc.call("eth_blockNumber")
    assert "topsecret" not in str(failure.value)


def test_a_url_that_is_not_http_is_refused():
    with pytest.raises(ValueError, match="not an http"):
        JsonRpc("ws://127.0.0.1:8545")


@pytest.mark.parametrize(
    ("status", "payload"),
    [
        (401, b'{"message": "Unauthorized"}'),  # a proxy in front of the node, wrong credentials
        (403, b"<html>forbidden</html>"),
        (404, b'{"jsonrpc": "2.0", "id": 1}'),
        (200, b'{"jsonrpc": "2.0", "id": 1}'),  # neither result nor error
    ],
)
def test_an_answer_that_is_not_a_json_rpc_result_is_an_error_not_an_empty_result(status, payload):
    """Read as success, a proxy's refusal of eth_sendRawTransaction would be a broadcast that never
    happened: it is an error naming the HTTP status."""
    with server(lambda h, body: reply(h, status, payload)) as (url, _), pytest.raises(RpcError) as refused:
        JsonRpc(url).call("eth_sendRawTransaction", ["0x02"])
    assert refused.value.code == status and f"HTTP {status}" in refused.value.message


def test_a_bare_error_message_is_an_rpc_error():
    payload = json.dumps({"jsonrpc": "2.0", "id": 1, "error": "rate limited by upstream"}).encode()
    with server(lambda h, body: reply(h, 200, payload)) as (url, _), pytest.raises(RpcError) as refused:
        JsonRpc(url).call("eth_blockNumber")
    assert refused.value.message == "rate limited by upstream"


def test_a_null_result_is_still_a_result():
    payload = json.dumps({"jsonrpc": "2.0", "id": 1, "result": None}).encode()
    with server(lambda h, body: reply(h, 200, payload)) as (url, _):
        assert JsonRpc(url).call("eth_getTransactionReceipt", ["0x" + "00" * 32]) is None


def test_messages_name_the_node_without_its_credentials():
    assert (
        redacted("https://lkpp:s3cret@besu.example:8545/rpc?x=1") == "https://***@besu.example:8545/rpc?x=1"
    )
    assert redacted("http://127.0.0.1:8545") == "http://127.0.0.1:8545"
    with pytest.raises(ValueError) as refused:
        JsonRpc("ws://lkpp:s3cret@besu.example:8546")
    assert "s3cret" not in str(refused.value)
