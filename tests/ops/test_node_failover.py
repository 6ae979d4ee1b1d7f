"""The consortium's nodes as one endpoint: each node is checked, calls go to a healthy one and fail over,
and a write stays sent once when a node takes it and dies before answering.

Several JSON-RPC proxies (toolchain/rpcproxy.py) stand for the agencies' nodes in front of one local
chain; a real multi-validator network cannot run here."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager

import pytest
from eth_account import Account

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.ledger.errors import RpcUnavailable
from app.ledger.models import SentTransaction
from app.ledger.nodes import Endpoint, NodePool, NodesMisconfigured, parse_endpoints
from app.ledger.reverts import ErrorDecoder
from app.ledger.txmanager import TransactionManager
from app.protocol.manifest import load_manifest
from toolchain.jsonrpc import rpc
from toolchain.rpcproxy import ProxyNode


@contextmanager
def proxies(chain_url: str, *names: str):
    with ExitStack() as stack:
        nodes = []
        for name in names:
            node = ProxyNode(chain_url, name=name).up()
            stack.callback(node.down)
            nodes.append(node)
        yield nodes


def pool_of(nodes: list[ProxyNode], **options) -> NodePool:
    return NodePool([Endpoint(n.name, n.url) for n in nodes], chain_id=31337, timeout=5, **options)


def mine(chain_url: str, blocks: int) -> None:
    for _ in range(blocks):
        rpc(chain_url, "evm_mine")


def by_name(pool: NodePool) -> dict:
    return {s.name: s for s in pool.states()}


def test_every_node_is_checked_and_calls_go_to_the_first_healthy_one(chain_url):
    with proxies(chain_url, "lkpp", "kemenkeu") as (lkpp, kemenkeu):
        pool = pool_of([lkpp, kemenkeu])
        states = {s.name: s for s in pool.probe()}
        assert all(s.up and s.healthy and s.chain_id == 31337 for s in states.values())
        assert states["lkpp"].head == states["kemenkeu"].head == int(rpc(chain_url, "eth_blockNumber"), 16)
        assert states["lkpp"].lag_blocks == 0 and states["lkpp"].url == lkpp.url
        before = lkpp.settings.calls, kemenkeu.settings.calls
        pool.call("eth_blockNumber")
        assert (lkpp.settings.calls, kemenkeu.settings.calls) == (before[0] + 1, before[1])


def test_a_node_that_goes_down_is_left_for_the_next_and_rejoins_when_it_answers(chain_url):
    with proxies(chain_url, "lkpp", "kemenkeu") as (lkpp, kemenkeu):
        pool = pool_of([lkpp, kemenkeu])
        pool.probe()
        lkpp.down()
        answered = kemenkeu.settings.calls
        assert int(pool.call("eth_chainId"), 16) == 31337  # no error reaches the caller
        assert kemenkeu.settings.calls == answered + 1
        state = by_name(pool)["lkpp"]
        assert not state.up and state.failovers == 1 and "Connection refused" in state.problem
        pool.call("eth_chainId")  # the next call does not try the down node first
        assert by_name(pool)["lkpp"].failovers == 1
        lkpp.up()
        pool.probe()
        assert by_name(pool)["lkpp"].healthy
        calls = lkpp.settings.calls
        pool.call("eth_chainId")
        assert lkpp.settings.calls == calls + 1  # back first in the order


def test_no_node_answering_is_one_clear_error(chain_url):
    with proxies(chain_url, "lkpp", "kemenkeu") as (lkpp, kemenkeu):
        pool = pool_of([lkpp, kemenkeu])
        lkpp.down()
        kemenkeu.down()
        with pytest.raises(RpcUnavailable, match=r"no node answered \(lkpp: .*; kemenkeu: .*\)"):
            pool.call("eth_blockNumber")


def test_a_lagging_node_gets_no_calls_until_it_catches_up(chain_url):
    with proxies(chain_url, "lkpp", "kemenkeu") as (lkpp, kemenkeu):
        mine(chain_url, 12)
        pool = pool_of([lkpp, kemenkeu], max_lag_blocks=5)
        lkpp.configure(lag_blocks=10)
        state = {s.name: s for s in pool.probe()}
        assert state["lkpp"].up and not state["lkpp"].healthy
        assert state["lkpp"].lag_blocks == 10 and state["lkpp"].problem == "10 blocks behind"
        calls = lkpp.settings.calls
        pool.call("eth_blockNumber")
        assert lkpp.settings.calls == calls
        lkpp.configure(lag_blocks=3)  # within the allowance
        assert by_name(pool)["lkpp"].healthy is False and pool.probe()[0].healthy


def test_a_node_with_another_history_is_not_trusted(chain_url):
    """An endpoint answering for another chain's blocks (a compromised or misrouted node) is outvoted."""
    with proxies(chain_url, "lkpp", "kemenkeu", "bpk") as (lkpp, kemenkeu, bpk):
        pool = pool_of([lkpp, kemenkeu, bpk])
        lkpp.configure(forge_hashes=True)
        states = {s.name: s for s in pool.probe()}
        assert states["lkpp"].up and not states["lkpp"].healthy
        assert states["lkpp"].problem == "another history than the other nodes"
        assert states["kemenkeu"].healthy and states["bpk"].healthy


def test_the_node_list_is_read_strictly():
    assert parse_endpoints("lkpp=http://10.0.0.1:8545, http://10.0.0.2:8545") == [
        Endpoint("lkpp", "http://10.0.0.1:8545"),
        Endpoint("node2", "http://10.0.0.2:8545"),
    ]
    with pytest.raises(NodesMisconfigured, match="entry 2 .*not an http"):
        parse_endpoints("lkpp=http://10.0.0.1:8545,bpk=10.0.0.2:8545")
    with pytest.raises(NodesMisconfigured, match="'lkpp' is given twice"):
        parse_endpoints("lkpp=http://a:1,lkpp=http://b:1")
    with pytest.raises(NodesMisconfigured, match="names no node"):
        parse_endpoints(" , ")


def test_a_write_whose_answer_is_lost_with_its_node_is_sent_once(chain_url, manifest_dir, tmp_path):
    """The node takes the transaction and hangs up before answering; the next node already holds
    the same bytes. One transaction, one nonce, one record: never a second send."""
    database = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(database)
    manifest = load_manifest(manifest_dir / "31337.json")
    with proxies(chain_url, "lkpp", "kemenkeu") as (lkpp, kemenkeu):
        pool = pool_of([lkpp, kemenkeu])
        pool.probe()
        sessions = make_session_factory(make_engine(database))
        manager = TransactionManager(
            pool, sessions, ErrorDecoder([c.abi for c in manifest.contracts.values()])
        )
        signer = Account.create()
        funder = rpc(chain_url, "eth_accounts")[0]
        rpc(chain_url, "eth_sendTransaction", [{"from": funder, "to": signer.address, "value": hex(10**18)}])
        real = lkpp.forward

        def drop_after_send(body: bytes):
            answer = real(body)
            if b"eth_sendRawTransaction" in body:
                lkpp.configure(drop_answers=True)  # this answer, and the node's next ones, never arrive
            return answer

        lkpp.forward = drop_after_send  # type: ignore[method-assign]
        confirmed = manager.transact(signer, Account.create().address, b"", "failover drill")
    assert confirmed.status == 1
    assert int(rpc(chain_url, "eth_getTransactionCount", [signer.address, "latest"]), 16) == 1
    assert kemenkeu.settings.methods.get("eth_sendRawTransaction") == 1  # offered again, held already
    with sessions() as session:
        records = session.query(SentTransaction).all()
    assert [(r.tx_hash, r.nonce) for r in records] == [(confirmed.tx_hash, 0)]
