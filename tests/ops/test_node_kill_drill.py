"""Drills for the node runbooks (docs/runbooks/node-down, node-lagging, node-compromised): one node
endpoint is killed while the pilot runs, then one lags, then one answers with another history.

`make run --nodes 3` puts three node endpoints (lkpp, kemenkeu, bpk) in front of the local chain; a
real Prometheus scrapes the gateway with the production alert rules (their `for:` shortened). The first
node is killed after the pilot has written through it, and brought back later. The pilot completes;
every write the gateway recorded is mined, none is left waiting, and no transaction payload is mined
twice; TerangNodeDown fires for that node and clears; the command centre shows it down, then healthy;
the runbook's commands name it down, then wait until it is back. The lagging and the compromised node
are found by their runbooks' commands too, and left out of calls."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.support.local_system import local_system
from tests.support.prometheus import prometheus_bin, prometheus_server
from tests.support.runbooks import RUNBOOKS, listed_in_index, run_runbook, same_blocks
from toolchain.jsonrpc import rpc
from toolchain.pilot.scenario import run_pilot
from toolchain.run_local import free_port

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"

pytestmark = pytest.mark.skipif(prometheus_bin() is None, reason="Debian's prometheus is not installed")


def control(node: dict, **changes) -> dict:
    return (
        httpx.post(node["control"], json=changes, timeout=10).json()
        if changes
        else httpx.get(node["control"], timeout=10).json()
    )


def sent_raw(node: dict) -> int:
    return control(node)["methods"].get("eth_sendRawTransaction", 0)


def wait_until(condition, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.25)


def mined_payloads(chain_url: str) -> Counter:
    """How often each (sender, recipient, calldata, value) was mined."""
    payloads: Counter = Counter()
    for number in range(int(rpc(chain_url, "eth_blockNumber"), 16) + 1):
        for tx in rpc(chain_url, "eth_getBlockByNumber", [hex(number), True])["transactions"]:
            payloads[(tx["from"], tx["to"], tx["input"], tx["value"])] += 1
    return payloads


def runbook(name: str, base: str, node: str, folder: Path, only: list[int]) -> str:
    """The runbook's blocks `only`, as an operator runs them; their output."""
    same_blocks(name)
    return run_runbook(
        RUNBOOKS / f"{name}.en.md", {"GATEWAY": base, "NODE": node}, folder, only=only, timeout=120
    ).stdout


def node_state(base: str, name: str) -> str:
    page = httpx.get(base + "/ops?lang=en", timeout=30).text
    for state in ("healthy", "unhealthy", "down"):
        if f'data-node="{name}" data-state="{state}"' in page:
            return state
    raise AssertionError(f"the command centre does not list node {name}")


@pytest.mark.parametrize("name", ["node-down", "node-lagging", "node-compromised"])
def test_each_node_runbook_is_bilingual_and_listed(name):
    same_blocks(name)
    listed_in_index(name)


def test_the_pilot_survives_a_node_killed_under_it(tmp_path):
    port = free_port()
    with prometheus_server([f"http://127.0.0.1:{port}"], rules=ALERTS, rule_for="2s") as prometheus:
        env = {"TERANG_PROMETHEUS_URL": prometheus.url, "TERANG_NODE_PROBE_SECONDS": "0.5"}
        with local_system(tmp_path, nodes=3, port=port, env=env) as system:
            base = system.gateway_url
            lkpp, kemenkeu, bpk = json.loads((system.state / "nodes.json").read_text())
            assert node_state(base, "lkpp") == node_state(base, "kemenkeu") == "healthy"
            outcome: dict = {}

            def pilot() -> None:
                try:
                    outcome["report"] = run_pilot(
                        base, system.chain_url, system.state / "dev-issuer", log=lambda *a, **k: None
                    )
                except BaseException as exc:  # reported by the test below
                    outcome["error"] = exc

            running = threading.Thread(target=pilot, name="pilot")
            running.start()
            wait_until(lambda: sent_raw(lkpp) >= 10, "ten writes through lkpp", 180)
            control(lkpp, state="down")  # the port closes: calls are refused
            before = sent_raw(kemenkeu)

            alert = prometheus.wait_for_alert("TerangNodeDown", timeout=60)
            assert alert["labels"]["node"] == "lkpp"
            wait_until(lambda: node_state(base, "lkpp") == "down", "the command centre shows lkpp down", 30)
            page = httpx.get(base + "/ops?lang=en", timeout=30).text
            assert 'data-alert="TerangNodeDown" data-state="firing"' in page
            assert node_state(base, "kemenkeu") == "healthy"
            wait_until(
                lambda: sent_raw(kemenkeu) >= before + 10 or not running.is_alive(),
                "writes through kemenkeu while lkpp is down",
                180,
            )
            written_while_down = sent_raw(kemenkeu) - before
            diagnosed = runbook("node-down", base, "lkpp", tmp_path, only=[1, 2])
            assert "lkpp\tdown\t" in diagnosed and "kemenkeu\thealthy\t" in diagnosed

            control(lkpp, state="up")
            assert "lkpp is healthy" in runbook("node-down", base, "lkpp", tmp_path, only=[3])
            assert node_state(base, "lkpp") == "healthy"
            prometheus.wait_until_inactive("TerangNodeDown", timeout=60)
            running.join(timeout=600)
            assert not running.is_alive(), "the pilot did not finish"
            assert "error" not in outcome, "".join(traceback.format_exception(outcome["error"]))[-3000:]
            report = outcome["report"]
            payloads = mined_payloads(system.chain_url)  # read before the system stops

            # A node 20 blocks behind gets no calls; its runbook finds it, and sees it back.
            for _ in range(25):
                rpc(system.chain_url, "evm_mine")
            control(kemenkeu, lag_blocks=20)
            wait_until(lambda: node_state(base, "kemenkeu") == "unhealthy", "kemenkeu counted as lagging", 30)
            lagging = runbook("node-lagging", base, "kemenkeu", tmp_path, only=[1])
            assert "kemenkeu\tunhealthy\t" in lagging and "\t20\t20 blocks behind" in lagging
            control(kemenkeu, lag_blocks=0)
            assert "kemenkeu is healthy" in runbook("node-lagging", base, "kemenkeu", tmp_path, only=[2])

            # An endpoint answering with another history is outvoted by the other two.
            control(bpk, forge_hashes=True)
            wait_until(lambda: node_state(base, "bpk") == "unhealthy", "bpk outvoted", 30)
            found = runbook("node-compromised", base, "bpk", tmp_path, only=[1, 2])
            assert "bpk\tunhealthy\t" in found and "another history than the other nodes" in found
            control(bpk, forge_hashes=False)
            assert "bpk is healthy" in runbook("node-compromised", base, "bpk", tmp_path, only=[3])
            database = system.state / "gateway.db"

    assert written_while_down > 0
    assert report.all_transactions()
    with sqlite3.connect(database) as db:
        sent = db.execute("SELECT tx_hash, state FROM sent_transactions").fetchall()
        keys = db.execute("SELECT state, tx_hash FROM idempotency_records").fetchall()
    assert sent and all(state in ("mined", "reverted") for _tx, state in sent), "a write left unsent"
    assert all(state == "completed" for state, _tx in keys), "a request left without its answer"
    twice = [payload for payload, count in payloads.items() if count > 1]
    assert not twice, f"{len(twice)} transaction payloads mined more than once"
