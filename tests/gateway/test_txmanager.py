"""The transaction manager sends each transaction once, with nonces that never collide between
gateway processes sharing one database, and turns reverts into the contract's custom errors."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from eth_account import Account
from web3 import Web3

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.ledger import idempotency
from app.ledger.errors import SignedTransactionRefused
from app.ledger.idempotency import ClaimLost
from app.ledger.models import SentTransaction
from app.ledger.reverts import ChainRevert, ErrorDecoder
from app.ledger.rpc import JsonRpc
from app.ledger.signed import SignedTransaction
from app.ledger.txmanager import TransactionManager, TransactionRefused
from app.protocol.manifest import load_manifest
from tests.support.localchain import anvil, ganache, rpc
from tests.support.postgres import postgres_bin, postgres_server


def funded_account(chain_url: str):
    account = Account.create()
    funder = rpc(chain_url, "eth_accounts")[0]
    tx = rpc(
        chain_url, "eth_sendTransaction", [{"from": funder, "to": account.address, "value": hex(10**20)}]
    )
    mined(chain_url, tx)  # funded before the account sends anything
    return account


def manager_for(chain_url, manifest_dir, database_url) -> TransactionManager:
    manifest = load_manifest(manifest_dir / "31337.json")
    decoder = ErrorDecoder([c.abi for c in manifest.contracts.values()])
    engine = make_engine(database_url)
    return TransactionManager(JsonRpc(chain_url), make_session_factory(engine), decoder)


@pytest.fixture()
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    return url


def test_a_transaction_is_recorded_sent_and_confirmed(chain_url, manifest_dir, sqlite_url):
    manager = manager_for(chain_url, manifest_dir, sqlite_url)
    signer = funded_account(chain_url)
    confirmed = manager.transact(signer, Account.create().address, b"", "test transfer")
    assert confirmed.status == 1
    with manager.sessions() as session:
        record = session.query(SentTransaction).filter_by(tx_hash=confirmed.tx_hash).one()
    assert (record.state, record.nonce, record.block_number) == ("mined", 0, confirmed.block_number)


def _signed_transfer(chain_url, signer, nonce: int, to: str) -> SignedTransaction:
    base_fee = int(rpc(chain_url, "eth_getBlockByNumber", ["latest", False])["baseFeePerGas"], 16)
    tx = {
        "to": to,
        "value": 1,
        "gas": 21_000,
        "nonce": nonce,
        "chainId": 31337,
        "maxFeePerGas": 2 * base_fee + 10**9,
        "maxPriorityFeePerGas": 10**9,
        "type": 2,
    }
    return SignedTransaction.from_raw(bytes(Account.sign_transaction(tx, signer.key).raw_transaction))


def test_a_relayed_transaction_is_sent_once_and_its_nonce_cannot_carry_other_bytes(
    chain_url, manifest_dir, sqlite_url
):
    """A supplier's own signed bytes, relayed: the same bytes twice are one transaction; other bytes
    under a nonce already recorded (a relayer holding a second signature) are refused, nothing sent."""
    manager = manager_for(chain_url, manifest_dir, sqlite_url)
    supplier = funded_account(chain_url)
    first = _signed_transfer(chain_url, supplier, 0, Account.create().address)
    sent = manager.send_signed(first, "relayed")
    assert manager.send_signed(first, "relayed again").tx_hash == sent.tx_hash
    assert manager.wait(sent.tx_hash).status == 1
    other = _signed_transfer(chain_url, supplier, 0, Account.create().address)
    with pytest.raises(SignedTransactionRefused):
        manager.send_signed(other, "relayed with a used nonce")
    with manager.sessions() as session:
        hashes = [r.tx_hash for r in session.query(SentTransaction).filter_by(sender=supplier.address)]
    assert hashes == [sent.tx_hash]
    assert rpc(chain_url, "eth_getTransactionByHash", [other.tx_hash]) is None


def test_a_revert_is_decoded_into_the_custom_error_before_signing(chain_url, manifest_dir, sqlite_url):
    manager = manager_for(chain_url, manifest_dir, sqlite_url)
    manifest = load_manifest(manifest_dir / "31337.json")
    registry = Web3(Web3.HTTPProvider(chain_url)).eth.contract(
        address=manifest.address("SupplierRegistry"), abi=manifest.contracts["SupplierRegistry"].abi
    )
    stranger = funded_account(chain_url)
    data = registry.encode_abi("registerSupplier", [stranger.address, b"\x01" * 32, b"\x02" * 32, True, 6302])
    with pytest.raises(ChainRevert) as refused:
        manager.send(stranger, registry.address, data, "register")
    assert refused.value.error == "AccessManagedUnauthorized"
    assert refused.value.params == {"caller": stranger.address}
    with manager.sessions() as session:
        assert session.query(SentTransaction).count() == 0  # nothing signed, no nonce used


def concurrent_sends(managers, signer, count):
    results, errors = [], []

    def worker(manager, n):
        try:
            for _ in range(n):
                results.append(manager.send(signer, signer.address, b"", "concurrency"))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    per_thread = count // (len(managers) * 4)
    threads = [threading.Thread(target=worker, args=(m, per_thread)) for m in managers for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def assert_all_mined_once(managers, results, count):
    assert len(results) == count
    nonces = sorted(r.nonce for r in results)
    assert nonces == list(range(nonces[0], nonces[0] + count)), "no gap and no collision"
    for result in results:
        assert managers[0].wait(result.tx_hash).status == 1


def test_two_processes_on_one_sqlite_database_never_share_a_nonce(chain_url, manifest_dir, sqlite_url):
    managers = [manager_for(chain_url, manifest_dir, sqlite_url) for _ in range(2)]
    signer = funded_account(chain_url)
    results, errors = concurrent_sends(managers, signer, 64)
    assert errors == []
    assert_all_mined_once(managers, results, 64)


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL is not installed (Debian package postgresql)")
def test_two_processes_on_one_postgresql_database_never_share_a_nonce(chain_url, manifest_dir):
    with postgres_server() as url:
        upgrade(url)
        managers = [manager_for(chain_url, manifest_dir, url) for _ in range(2)]
        signer = funded_account(chain_url)
        results, errors = concurrent_sends(managers, signer, 96)
        assert errors == []
        assert_all_mined_once(managers, results, 96)


class DiesAfterRecording(TransactionManager):
    """Stands for a process killed between recording a signed transaction and broadcasting it."""

    def _broadcast(self, tx_hash, raw):
        raise KeyboardInterrupt


def test_a_restarted_process_rebroadcasts_the_same_transaction(chain_url, manifest_dir, sqlite_url):
    signer = funded_account(chain_url)
    dying = DiesAfterRecording(*_args(chain_url, manifest_dir, sqlite_url))
    with pytest.raises(KeyboardInterrupt):
        dying.send(signer, signer.address, b"", "interrupted")
    with dying.sessions() as session:
        record = session.query(SentTransaction).one()
    assert Web3(Web3.HTTPProvider(chain_url)).eth.get_transaction_count(signer.address) == 0

    restarted = manager_for(chain_url, manifest_dir, sqlite_url)
    assert restarted.rebroadcast_unconfirmed() == 1
    assert restarted.wait(record.tx_hash).status == 1
    # The next transaction takes the next nonce, not the recorded one.
    assert restarted.send(signer, signer.address, b"", "after restart").nonce == record.nonce + 1


def _args(chain_url, manifest_dir, database_url):
    manager = manager_for(chain_url, manifest_dir, database_url)
    return manager.rpc, manager.sessions, manager.decoder


def test_broadcasting_the_same_bytes_again_is_harmless(chain_url, manifest_dir, sqlite_url):
    """A rebroadcast after a restart meets a node that already has (or mined) the transaction."""
    manager = manager_for(chain_url, manifest_dir, sqlite_url)
    signer = funded_account(chain_url)
    sent = manager.send(signer, signer.address, b"", "once")
    manager.wait(sent.tx_hash)
    with manager.sessions() as session:
        raw = session.query(SentTransaction).one().raw
    manager._broadcast(sent.tx_hash, bytes.fromhex(raw[2:]))  # the node answers "nonce too low"
    assert Web3(Web3.HTTPProvider(chain_url)).eth.get_transaction_count(signer.address) == 1


def test_a_recorded_transaction_whose_nonce_another_sender_took_is_rejected_at_restart(
    chain_url, manifest_dir, sqlite_url
):
    """The process died between recording and broadcasting, and meanwhile someone used the key
    outside the gateway: the recorded bytes can never be mined. The restart marks them rejected
    (freeing the nonce) instead of crashing, and the next send takes the next free nonce."""
    signer = funded_account(chain_url)
    dying = DiesAfterRecording(*_args(chain_url, manifest_dir, sqlite_url))
    with pytest.raises(KeyboardInterrupt):
        dying.send(signer, signer.address, b"", "interrupted")
    outside = signer.sign_transaction(
        {"to": signer.address, "value": 0, "gas": 21_000, "gasPrice": 10**10, "nonce": 0, "chainId": 31337}
    )
    Web3(Web3.HTTPProvider(chain_url)).eth.send_raw_transaction(outside.raw_transaction)

    restarted = manager_for(chain_url, manifest_dir, sqlite_url)
    assert restarted.rebroadcast_unconfirmed() == 0
    with restarted.sessions() as session:
        assert session.query(SentTransaction).one().state == "rejected"
    assert restarted.send(signer, signer.address, b"", "next").nonce == 1


@pytest.mark.parametrize("outside_state", ["mined", "pending"])
def test_a_nonce_taken_outside_the_gateway_is_chosen_again(
    outside_state, chain_url, manifest_dir, sqlite_url
):
    """The signer's confirmed count is asked of the node at most once a second: a transaction sent
    with the key outside the gateway meanwhile makes the node answer "nonce too low" (mined) or
    "replacement transaction underpriced" (still in the pool); the manager marks its record
    rejected, asks the chain again (pending transactions included) and sends with the next nonce."""
    manager = manager_for(chain_url, manifest_dir, sqlite_url)
    signer = funded_account(chain_url)
    manager.wait(manager.send(signer, signer.address, b"", "first").tx_hash)  # nonce 0; count cached
    outside = signer.sign_transaction(
        {"to": signer.address, "value": 0, "gas": 21_000, "gasPrice": 10**11, "nonce": 1, "chainId": 31337}
    )
    if outside_state == "pending":
        rpc(chain_url, "evm_setAutomine", [False])
    try:
        outside_hash = Web3(Web3.HTTPProvider(chain_url)).eth.send_raw_transaction(outside.raw_transaction)
        if outside_state == "mined":
            mined(chain_url, Web3.to_hex(outside_hash))
        sent = manager.send(signer, signer.address, b"", "after the outside one")
    finally:
        if outside_state == "pending":
            rpc(chain_url, "evm_setAutomine", [True])
            rpc(chain_url, "evm_mine")
    assert sent.nonce == 2 and manager.wait(sent.tx_hash).status == 1
    with manager.sessions() as session:
        states = dict(session.query(SentTransaction.nonce, SentTransaction.state).all())
    assert states == {0: "mined", 1: "rejected", 2: "mined"}


@contextmanager
def no_automine(chain_url):
    """anvil keeps transactions in its pool until mined by hand (a network with block times)."""
    rpc(chain_url, "evm_setAutomine", [False])
    try:
        yield
    finally:
        rpc(chain_url, "evm_setAutomine", [True])
        rpc(chain_url, "evm_mine")


def state_of(manager, tx_hash: str) -> str:
    with manager.sessions() as session:
        return session.query(SentTransaction).filter_by(tx_hash=tx_hash).one().state


def test_a_transaction_the_node_lost_is_sent_again_while_its_receipt_is_awaited(
    chain_url, manifest_dir, sqlite_url
):
    """The node restarted or dropped the transaction from its pool (anvil_dropTransaction) after the
    gateway had sent it: waiting for the receipt sends the recorded bytes again, and it is mined.
    Before, nothing sent them again until a gateway process restarted."""
    manager = manager_for(chain_url, manifest_dir, sqlite_url)
    manager.rebroadcast_seconds, manager.receipt_timeout = 0.2, 20
    signer = funded_account(chain_url)
    with no_automine(chain_url):
        sent = manager.send(signer, signer.address, b"", "lost by the node")
        assert rpc(chain_url, "anvil_dropTransaction", [sent.tx_hash]) == sent.tx_hash
        assert rpc(chain_url, "eth_getTransactionByHash", [sent.tx_hash]) is None
        rpc(chain_url, "evm_setAutomine", [True])  # the next arrival is mined at once
        confirmed = manager.receipt(sent.tx_hash)
    assert confirmed.status == 1 and confirmed.tx_hash == sent.tx_hash


def test_bytes_the_node_already_holds_are_not_taken_for_refused(chain_url, manifest_dir, sqlite_url):
    """A broadcast retried after a timeout meets its own first attempt in the pool: anvil answers
    "transaction already imported". The record stays signed and the transaction is mined once;
    before, it was marked rejected and the caller told to retry, sending a second transaction."""
    manager = manager_for(chain_url, manifest_dir, sqlite_url)
    signer = funded_account(chain_url)
    with no_automine(chain_url):
        sent = manager.send(signer, signer.address, b"", "sent twice")
        with manager.sessions() as session:
            raw = session.query(SentTransaction).filter_by(tx_hash=sent.tx_hash).one().raw
        manager._broadcast(sent.tx_hash, bytes.fromhex(raw[2:]))
        assert state_of(manager, sent.tx_hash) == "signed"
    assert manager.wait(sent.tx_hash).status == 1
    assert Web3(Web3.HTTPProvider(chain_url)).eth.get_transaction_count(signer.address) == 1


def test_a_wait_for_a_replaced_transaction_ends_as_refused_not_as_a_timeout(
    chain_url, manifest_dir, sqlite_url
):
    """The recorded transaction's nonce was taken outside the gateway before it reached the node:
    the resend is refused, the signer's count is past the nonce and no receipt comes, so the wait
    ends with TransactionRefused (the key can be released) instead of running to the timeout."""
    signer = funded_account(chain_url)
    dying = DiesAfterRecording(*_args(chain_url, manifest_dir, sqlite_url))
    with pytest.raises(KeyboardInterrupt):
        dying.send(signer, signer.address, b"", "never broadcast")
    with dying.sessions() as session:
        record = session.query(SentTransaction).one()
    outside = signer.sign_transaction(
        {"to": signer.address, "value": 0, "gas": 21_000, "gasPrice": 10**10, "nonce": 0, "chainId": 31337}
    )
    mined(
        chain_url,
        Web3.to_hex(Web3(Web3.HTTPProvider(chain_url)).eth.send_raw_transaction(outside.raw_transaction)),
    )
    waiting = manager_for(chain_url, manifest_dir, sqlite_url)
    waiting.rebroadcast_seconds, waiting.receipt_timeout = 0.2, 30
    started = time.monotonic()
    with pytest.raises(TransactionRefused):
        waiting.receipt(record.tx_hash)
    assert time.monotonic() - started < 10
    assert state_of(waiting, record.tx_hash) == "rejected"


def test_a_write_whose_nonce_was_taken_records_its_next_transaction_for_the_same_key(
    chain_url, manifest_dir, sqlite_url
):
    """send() chooses again after "nonce too low" and records its second transaction through the
    same `on_recorded`: the idempotency key (a compare-and-set on the claim) follows it."""
    manager = manager_for(chain_url, manifest_dir, sqlite_url)
    signer = funded_account(chain_url)
    manager.wait(manager.send(signer, signer.address, b"", "first").tx_hash)  # nonce 0; count cached
    claim = idempotency.claim(manager.sessions, "agency:1001", "key-1", "fingerprint")
    outside = signer.sign_transaction(
        {"to": signer.address, "value": 0, "gas": 21_000, "gasPrice": 10**11, "nonce": 1, "chainId": 31337}
    )
    mined(
        chain_url,
        Web3.to_hex(Web3(Web3.HTTPProvider(chain_url)).eth.send_raw_transaction(outside.raw_transaction)),
    )
    sent = manager.send(
        signer,
        signer.address,
        b"",
        "for the key",
        on_recorded=lambda connection, tx_hash: idempotency.record_transaction(connection, claim, tx_hash),
    )
    assert sent.nonce == 2 and manager.wait(sent.tx_hash).status == 1
    assert idempotency.current(manager.sessions, claim.record_id).tx_hash == sent.tx_hash


def test_a_caller_refusing_the_record_leaves_nothing_recorded_or_sent(chain_url, manifest_dir, sqlite_url):
    """`on_recorded` raising (the idempotency claim was taken over: ClaimLost) rolls the record back
    before anything is broadcast."""
    manager = manager_for(chain_url, manifest_dir, sqlite_url)
    signer = funded_account(chain_url)

    def claim_lost(connection, tx_hash):
        raise ClaimLost("taken over")

    with pytest.raises(ClaimLost):
        manager.send(signer, signer.address, b"", "claim lost", on_recorded=claim_lost)
    with manager.sessions() as session:
        assert session.query(SentTransaction).count() == 0
    assert Web3(Web3.HTTPProvider(chain_url)).eth.get_transaction_count(signer.address, "pending") == 0


def mined(url: str, tx_hash: str) -> dict:
    """The receipt, once the node has mined the transaction (anvil mines just after answering)."""
    deadline = time.monotonic() + 30
    while (receipt := rpc(url, "eth_getTransactionReceipt", [tx_hash])) is None:
        assert time.monotonic() < deadline, f"{tx_hash} not mined"
        time.sleep(0.02)
    return receipt


# A contract whose every call reverts with the custom error Nope(): runtime PUSH4 selector,
# PUSH1 0xe0, SHL, PUSH1 0, MSTORE, PUSH1 4, PUSH1 0, REVERT; behind an init code that returns it.
NOPE_ABI = [{"type": "error", "name": "Nope", "inputs": []}]
NOPE_RUNTIME = "63" + Web3.keccak(text="Nope()")[:4].hex() + "60e01b60005260046000fd"
NOPE_INIT = "0x6011600c60003960116000f3" + NOPE_RUNTIME


@pytest.mark.parametrize("node", ["anvil", "ganache"])
def test_every_node_simulates_before_signing_with_or_without_eth_create_access_list(node, tmp_path):
    """anvil answers eth_createAccessList, ganache does not (the manager falls back to
    eth_estimateGas); on both a revert comes back as the contract's custom error before anything is
    signed, and a transaction that succeeds is sent and mined."""
    url_of = anvil if node == "anvil" else ganache
    with url_of() as url:
        funder = rpc(url, "eth_accounts")[0]
        created = rpc(url, "eth_sendTransaction", [{"from": funder, "data": NOPE_INIT, "gas": hex(100_000)}])
        nope = mined(url, created)["contractAddress"]
        sqlite = f"sqlite:///{tmp_path / 'gateway.db'}"
        upgrade(sqlite)
        manager = TransactionManager(
            JsonRpc(url), make_session_factory(make_engine(sqlite)), ErrorDecoder([NOPE_ABI])
        )
        signer = funded_account(url)
        with pytest.raises(ChainRevert) as reverted:
            manager.send(signer, nope, b"\x01", "refused")
        assert reverted.value.error == "Nope"
        with manager.sessions() as session:
            assert session.query(SentTransaction).count() == 0
        confirmed = manager.transact(signer, Account.create().address, b"", "a transfer")
        assert confirmed.status == 1
