"""A committee act on a real local chain through web3 (no brownie): the LKPP official (dev:1)
proposes, the Kemenkeu official (dev:2) approves, the Committee schedules the calls in the hub, the
clock moves past the delay (evm_increaseTime) and the Committee executes them. deploy/local.yaml
seats those officials; docs/decisions/0018-multi-agency-committee.md gives the rules."""

from __future__ import annotations

from collections.abc import Sequence

from web3 import Web3

from app.protocol.committee import description_hash
from app.protocol.manifest import Manifest

PROPOSER, APPROVER = 1, 2  # dev:1 (LKPP) and dev:2 (Kemenkeu)


def committee_act(
    w3: Web3,
    manifest: Manifest,
    calls: Sequence[tuple[str, bytes | str]],
    description: str = "tindakan komite",
) -> dict:
    """Runs `calls` [(target, calldata), ...] as one committee act; returns the execution receipt."""
    council = w3.eth.contract(address=manifest.address("Committee"), abi=manifest.contracts["Committee"].abi)
    proposer, approver = w3.eth.accounts[PROPOSER], w3.eth.accounts[APPROVER]
    calls = [
        (Web3.to_checksum_address(t), bytes.fromhex(d[2:]) if isinstance(d, str) else d) for t, d in calls
    ]
    proposal = council.functions.proposalCount().call() + 1
    _mined(w3, council.functions.propose(calls, description_hash(description)).transact({"from": proposer}))
    _mined(w3, council.functions.approve(proposal).transact({"from": approver}))
    _mined(w3, council.functions.schedule(proposal).transact({"from": proposer}))
    ready_at = council.functions.getProposal(proposal).call()[4]
    now = w3.eth.get_block("latest")["timestamp"]
    w3.provider.make_request("evm_increaseTime", [max(ready_at - now, 0) + 1])
    w3.provider.make_request("evm_mine", [])
    return _mined(w3, council.functions.execute(proposal).transact({"from": proposer}))


def _mined(w3: Web3, tx_hash) -> dict:
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1, receipt
    return receipt
