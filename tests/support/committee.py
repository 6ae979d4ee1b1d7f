"""A committee act on a local chain, driven straight against the Committee contract (web3.py, the
unlocked development accounts of deploy/local.yaml): the LKPP official (dev:1) proposes, the
Kemenkeu official (dev:2) approves for a second agency, the proposal is scheduled, the chain's clock
moves past the hub's delay, and it executes. For test set-up that is not itself about the committee
(the committee's own rules are tested in tests/contracts and tests/gateway/test_api_committee.py)."""

from __future__ import annotations

from web3 import Web3

from app.protocol.manifest import Manifest

PROPOSER, APPROVER = 1, 2  # LKPP and Kemenkeu officials (deploy/local.yaml)


def committee_act(w3: Web3, manifest: Manifest, calls: list[tuple[str, bytes | str]], text: str = "") -> int:
    """Runs `calls` [(target, calldata)] as one committee act; returns the proposal id."""
    address = Web3.to_checksum_address(manifest.address("Committee"))
    committee = w3.eth.contract(address=address, abi=manifest.contracts["Committee"].abi)
    proposer, approver = w3.eth.accounts[PROPOSER], w3.eth.accounts[APPROVER]
    batch = [(Web3.to_checksum_address(t), _bytes(d)) for t, d in calls]
    description = Web3.keccak(text=text or "test set-up")
    _mined(w3, committee.functions.propose(batch, description).transact({"from": proposer}))
    proposal = committee.functions.proposalCount().call()
    _mined(w3, committee.functions.approve(proposal).transact({"from": approver}))
    _mined(w3, committee.functions.schedule(proposal).transact({"from": proposer}))
    ready = committee.functions.getProposal(proposal).call()[4]  # readyAt
    now = w3.eth.get_block("latest")["timestamp"]
    w3.provider.make_request("evm_setNextBlockTimestamp", [max(ready, now + 1)])
    w3.provider.make_request("evm_mine", [])
    _mined(w3, committee.functions.execute(proposal).transact({"from": proposer}))
    return proposal


def _bytes(data: bytes | str) -> bytes:
    return Web3.to_bytes(hexstr=data) if isinstance(data, str) else data


def _mined(w3: Web3, tx_hash) -> None:
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1, receipt
