"""A receipt that lags the node's state is not a dropped transaction (toolchain/brownie_receipts.py).

The chain under test is put behind a JSON-RPC proxy that answers a transaction only once it is
mined and withholds its receipt for a second after that: the state a node is in for a moment when
it has committed a block's state but not yet stored its receipts (anvil, a lagging RPC replica).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brownie
import pytest
from brownie import accounts, web3
from web3 import HTTPProvider

from tests.contracts.revert_messages import custom_error
from toolchain import brownie_receipts

RECEIPT_LAG_SECONDS = 1.0
SENDS = {"eth_sendTransaction", "eth_sendRawTransaction"}


class ReceiptLaggingProxy(ThreadingHTTPServer):
    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream = upstream
        self.mined_at: dict[str, float] = {}
        self.withheld = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def forward(self, body: bytes) -> dict:
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(self.upstream, body, headers)  # noqa: S310 (the local chain)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())

    def answer(self, body: bytes) -> dict:
        call = json.loads(body)
        if call["method"] == "eth_getTransactionReceipt":
            mined_at = self.mined_at.get(call["params"][0])
            if mined_at is not None and time.monotonic() - mined_at < RECEIPT_LAG_SECONDS:
                self.withheld += 1
                return {"jsonrpc": "2.0", "id": call["id"], "result": None}
        answer = self.forward(body)
        if call["method"] in SENDS:
            txid = answer.get("result") or _reverted_txid(answer)
            if txid:
                self._wait_until_mined(txid)
        return answer

    def _wait_until_mined(self, txid: str) -> None:
        query = {"jsonrpc": "2.0", "id": 0, "method": "eth_getTransactionReceipt", "params": [txid]}
        deadline = time.monotonic() + 10
        while self.forward(json.dumps(query).encode()).get("result") is None:
            assert time.monotonic() < deadline, f"{txid} was not mined"
            time.sleep(0.01)
        self.mined_at[txid] = time.monotonic()


def _reverted_txid(answer: dict) -> str | None:
    """ganache (vmErrorsOnRPCResponse) answers a reverted send with an error naming the mined tx."""
    data = answer.get("error", {}).get("data")
    return data.get("hash") if isinstance(data, dict) else None


class _ProxyHandler(BaseHTTPRequestHandler):
    server: ReceiptLaggingProxy

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        payload = json.dumps(self.server.answer(body)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def lagging_node():
    """brownie's web3 talks to the chain through the proxy for the duration of one test."""
    original = web3.provider
    proxy = ReceiptLaggingProxy(original.endpoint_uri)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    web3.provider = HTTPProvider(proxy.url)
    try:
        yield proxy
    finally:
        web3.provider = original
        proxy.shutdown()
        proxy.server_close()


@contextlib.contextmanager
def brownie_alone():
    brownie_receipts.uninstall()
    try:
        yield
    finally:
        brownie_receipts.install()


def test_without_the_guard_brownie_calls_a_mined_transaction_dropped(lagging_node):
    sender, receiver = accounts[10], accounts[11]
    nonce = sender.nonce
    with brownie_alone(), pytest.raises(brownie.exceptions.TransactionError, match="dropped"):
        sender.transfer(receiver, 1)
    assert lagging_node.withheld >= 1
    assert web3.eth.get_transaction_count(str(sender)) == nonce + 1  # it was mined all the same


def test_with_the_guard_a_transaction_whose_receipt_lags_is_confirmed(lagging_node):
    sender, receiver = accounts[10], accounts[11]
    before = receiver.balance()
    tx = sender.transfer(receiver, 1)
    assert lagging_node.withheld >= 1
    assert tx.status == 1
    assert tx.block_number == web3.eth.get_transaction_receipt(tx.txid)["blockNumber"]
    assert receiver.balance() == before + 1


def test_with_the_guard_a_reverted_call_whose_receipt_lags_still_reports_its_revert(lagging_node, hub):
    outsider = accounts[12]
    nonce = outsider.nonce
    with brownie.reverts(custom_error("AccessManagerUnauthorizedAccount", outsider, 0)):
        hub.grantRole(123, outsider, 0, {"from": outsider})
    assert lagging_node.withheld >= 1
    assert web3.eth.get_transaction_count(str(outsider)) == nonce + 1  # sent and mined, reverted


def test_a_transaction_without_a_receipt_is_not_reported_mined():
    unknown = "0x" + "ab" * 32
    started = time.monotonic()
    assert not brownie_receipts.mined(unknown, patience=0.2)
    assert time.monotonic() - started >= 0.2
