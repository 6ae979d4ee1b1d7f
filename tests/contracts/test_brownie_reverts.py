"""A reverted transaction's error read by replaying it as a call is the error brownie's trace reads
(toolchain/brownie_reverts.py), including an error whose arguments carry the block's time, and the
replay asks the node for no trace."""

from __future__ import annotations

import brownie
import pytest
from brownie import web3

from tests.contracts.escrow_fixtures import DAY, h, now
from toolchain import brownie_reverts


@pytest.fixture
def rpc_methods(monkeypatch):
    """The JSON-RPC methods this test sends, in order. brownie probes the node once per process with
    an empty `debug_traceTransaction` (`web3.supports_traces`); that probe is made first, outside the
    record, so the record holds only traces of transactions whichever test runs first."""
    assert web3.supports_traces
    sent: list[str] = []
    provider = web3.provider
    original = provider.make_request

    def recording(method, params):
        sent.append(method)
        return original(method, params)

    monkeypatch.setattr(provider, "make_request", recording)
    return sent


def refusal(escrow, escrow_id, verifier) -> tuple[str, str]:
    """Attests a delivery dated tomorrow: refused with the date, the signing time and the block's own
    time as arguments. Returns the expected message with the message brownie reported."""
    date = now() + DAY
    with pytest.raises(brownie.exceptions.VirtualMachineError) as refused:
        escrow.attest(escrow_id, 0, h("BAST"), date, {"from": verifier})
    mined = web3.eth.get_block(web3.eth.get_transaction(refused.value.txid)["blockNumber"])
    signed_at = escrow.getEscrow(escrow_id)["signedAt"]
    return f"EscrowInvalidDeliveryDate: {date}, {signed_at}, {mined['timestamp']}", refused.value.revert_msg


def test_the_replayed_error_is_the_traced_error(ekit, escrow, verifiers, rpc_methods):
    escrow_id = ekit.signed()
    brownie_reverts.install()
    rpc_methods.clear()
    expected, replayed = refusal(escrow, escrow_id, verifiers[0])
    assert replayed == expected
    assert "eth_call" in rpc_methods
    assert "debug_traceTransaction" not in rpc_methods

    brownie_reverts.uninstall()
    try:
        expected, traced = refusal(escrow, escrow_id, verifiers[0])
    finally:
        brownie_reverts.install()
    assert traced == expected
    assert "debug_traceTransaction" in rpc_methods


def test_a_reverted_transaction_still_shows_its_trace_when_asked(ekit, escrow, verifiers, rpc_methods):
    escrow_id = ekit.signed()
    brownie_reverts.install()
    with pytest.raises(brownie.exceptions.VirtualMachineError):
        escrow.attest(escrow_id, 0, h("BAST"), now() + DAY, {"from": verifiers[0]})
    tx = brownie.history[-1]
    assert (tx.status, tx.revert_msg.split(":")[0]) == (0, "EscrowInvalidDeliveryDate")
    rpc_methods.clear()
    assert tx.trace is not None  # anvil records no steps without --steps-tracing; ganache does
    assert rpc_methods.count("debug_traceTransaction") == 1
