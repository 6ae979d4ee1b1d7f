"""Relayed sealed bids for the gateway load benchmark: many (tender, supplier) pairs on a local
chain, EIP-712 CommitBid payloads signed ahead of time, and two ways of getting them on chain —
through the gateway (`POST /tenders/{ocid}/bids/commitments`, answered once confirmed) and a raw
web3.py loop (commitBidBySig signed locally by a relayer key, sent, receipt awaited).

A supplier's commit signatures carry consecutive nonces the contract checks exactly, so each
supplier's bids are sent one after the other; concurrency comes from many suppliers. Each tender has
its Pokja (the IKN officers of deploy/local.yaml, quorum 2), and each bid carries an envelope sealed
to the Pokja's envelope keys (app/tenders/envelope.py), as a supplier's client would seal it."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from eth_account import Account
from web3 import Web3

from app.protocol import bids as bidlib
from app.protocol.manifest import Manifest
from app.tenders import envelope
from app.tenders.opening_codec import encode_opening

OFFICER = 4  # dev:4, officer of agency 1001 (deploy/local.yaml)
VERIFIER = 5  # dev:5, another IKN officer: verifies the suppliers dev:4 registers
POKJA, QUORUM = (5, 20, 21), 2  # IKN officers on every benchmark tender's Pokja (deploy/local.yaml)
AGENCY = 1001
HPS = 2_000_000_000
DAY = 24 * 3600


@dataclass(frozen=True)
class Bid:
    ocid: str
    body: dict  # the relay endpoint's JSON body
    args: list  # commitBidBySig's arguments


@dataclass(frozen=True)
class Plan:
    """One supplier's bids, in nonce order, and its bearer token's header for the gateway."""

    supplier_id: int
    bids: list[Bid]
    headers: dict


@dataclass(frozen=True)
class WriteResult:
    bids: int
    seconds: float
    rate: float
    p50_ms: float
    p99_ms: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def web3_for(url: str) -> Web3:
    return Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 120}))


def contract(w3: Web3, manifest: Manifest, name: str):
    deployed = manifest.contracts[name]
    return w3.eth.contract(address=Web3.to_checksum_address(deployed.address), abi=deployed.abi)


def _send_all(w3: Web3, calls: list, sender: str) -> None:
    """Sends from an unlocked development account back to back, then checks every receipt."""
    hashes = [call.transact({"from": sender, "gas": 1_500_000}) for call in calls]
    for tx_hash in hashes:
        if w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)["status"] != 1:
            raise RuntimeError(f"set-up transaction {Web3.to_hex(tx_hash)} reverted")


def register_suppliers(w3: Web3, manifest: Manifest, count: int) -> list[tuple[bytes, int]]:
    """`count` verified suppliers with fresh keys (they need no ETH: the relayer pays): (key, supplier id)."""
    registry = contract(w3, manifest, "SupplierRegistry")
    keys = [secrets.token_bytes(32) for _ in range(count)]
    calls = [
        registry.functions.registerSupplier(
            Account.from_key(k).address, secrets.token_bytes(32), secrets.token_bytes(32), False, 6302
        )
        for k in keys
    ]
    _send_all(w3, calls, w3.eth.accounts[OFFICER])
    registered = [(k, registry.functions.supplierIdOf(Account.from_key(k).address).call()) for k in keys]
    _send_all(w3, [registry.functions.verifySupplier(i) for _, i in registered], w3.eth.accounts[VERIFIER])
    return registered


@functools.cache
def pokja_keys() -> tuple[bytes, ...]:
    """The Pokja members' X25519 public keys (fresh for this process; bids are sealed to them)."""
    return tuple(envelope.generate_member_key()[1] for _ in POKJA)


def sealed(tender: bytes, supplier_id: int, price: int, salt: bytes) -> bytes:
    """The envelope of a bid without products or bond, sealed to the benchmark Pokja."""
    return envelope.seal(
        encode_opening(price, [], salt, bytes(32)), tender, supplier_id, pokja_keys(), QUORUM
    )


def announce_tenders(w3: Web3, manifest: Manifest, count: int, prefix: str) -> list[str]:
    """`count` lowest-price tenders, each with the benchmark Pokja appointed."""
    tenders = contract(w3, manifest, "Tenders")
    now = w3.eth.get_block("latest")["timestamp"]
    ocids = [f"ocds-terang-{AGENCY}-{prefix}-{i:04d}" for i in range(count)]
    calls = [
        tenders.functions.announceTender(
            (
                ocid,
                "Pengadaan beban uji gateway",
                Web3.keccak(text=f"dokumen {ocid}"),
                AGENCY,
                HPS,
                0,
                0,
                0,
                0,
                False,
                False,
                now + 30 * DAY,
                now + 32 * DAY,
                3 * DAY,
                1,
                0,
                0,  # no scoring deadline (lowest price)
                0,  # no bid bond
            )
        )
        for ocid in ocids
    ]
    _send_all(w3, calls, w3.eth.accounts[OFFICER])
    members = [w3.eth.accounts[i] for i in POKJA]
    appointments = [
        tenders.functions.appointPokja(bidlib.tender_id(ocid), members, list(pokja_keys()), QUORUM)
        for ocid in ocids
    ]
    _send_all(w3, appointments, w3.eth.accounts[OFFICER])
    return ocids


def sign_bids(
    chain_id: int,
    tenders_address: str,
    suppliers: list[tuple[bytes, int]],
    ocids: list[str],
    deadline: int,
    token_for: Callable[[int], str],
) -> list[Plan]:
    """Per supplier, one commit on each tender in order, with nonces 0, 1, 2, ..."""
    plans = []
    for key, supplier_id in suppliers:
        plan = []
        for nonce, ocid in enumerate(ocids):
            tender = bidlib.tender_id(ocid)
            price, salt = HPS - 1000 - nonce, bidlib.new_salt()
            commitment = bidlib.commitment(tender, supplier_id, price, [], salt)
            bid_envelope = sealed(tender, supplier_id, price, salt)
            signed = bidlib.sign_commit(
                key,
                chain_id=chain_id,
                verifying_contract=tenders_address,
                tender=tender,
                bid_commitment=commitment,
                envelope_digest=bidlib.envelope_hash(bid_envelope),
                nonce=nonce,
                deadline=deadline,
            )  # the supplier's first bid on each tender: it replaces nothing
            body = {
                "supplier": signed.supplier,
                "commitment": Web3.to_hex(commitment),
                "envelope": Web3.to_hex(bid_envelope),
                "replaces": Web3.to_hex(bidlib.ZERO32),
                "nonce": nonce,
                "deadline": deadline,
                "signature": Web3.to_hex(signed.signature),
            }
            args = [
                signed.supplier,
                tender,
                commitment,
                bid_envelope,
                bidlib.ZERO32,
                nonce,
                deadline,
                signed.signature,
            ]
            plan.append(Bid(ocid, body, args))
        plans.append(Plan(supplier_id, plan, {"Authorization": f"Bearer {token_for(supplier_id)}"}))
    return plans


def _result(latencies: list[float], seconds: float) -> WriteResult:
    ordered = sorted(latencies)
    return WriteResult(
        bids=len(ordered),
        seconds=seconds,
        rate=len(ordered) / seconds,
        p50_ms=1000 * ordered[len(ordered) // 2],
        p99_ms=1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    )


def through_gateway(targets: list[tuple[str, list[Plan]]], warmup: int = 1) -> WriteResult:
    """One asyncio worker per supplier, each posting to its gateway (targets: base URL and the plans of
    its suppliers) with its own token; the first `warmup` bids of every supplier are sent before the
    clock starts (all workers wait for each other), the rest are measured."""
    return asyncio.run(_through_gateway(targets, warmup))


async def _through_gateway(targets: list[tuple[str, list[Plan]]], warmup: int) -> WriteResult:
    workers = sum(len(plans) for _, plans in targets)
    barrier = asyncio.Barrier(workers + 1)
    latencies: list[float] = []
    clients = [
        httpx.AsyncClient(
            base_url=base,
            limits=httpx.Limits(max_connections=len(plans), max_keepalive_connections=len(plans)),
            timeout=180,
        )
        for base, plans in targets
    ]

    async def post(client: httpx.AsyncClient, plan: Plan, bid: Bid) -> float:
        sent = time.perf_counter()
        response = await client.post(
            f"/tenders/{bid.ocid}/bids/commitments",
            json=bid.body,
            headers={**plan.headers, "Idempotency-Key": str(uuid.uuid4())},
        )
        if response.status_code != 201:
            raise RuntimeError(f"relay refused: {response.status_code} {response.text[:500]}")
        return time.perf_counter() - sent

    async def worker(client: httpx.AsyncClient, plan: Plan) -> None:
        try:
            for bid in plan.bids[:warmup]:
                await post(client, plan, bid)
            await barrier.wait()
        except BaseException:
            await barrier.abort()  # nobody waits for a worker that failed
            raise
        for bid in plan.bids[warmup:]:
            latencies.append(await post(client, plan, bid))

    try:
        tasks = [
            asyncio.create_task(worker(client, plan))
            for client, (_, plans) in zip(clients, targets, strict=True)
            for plan in plans
        ]
        with contextlib.suppress(asyncio.BrokenBarrierError):  # a worker failed: gather() raises it
            await barrier.wait()
        start = time.perf_counter()
        await asyncio.gather(*tasks)
        seconds = time.perf_counter() - start
    finally:
        for client in clients:
            await client.aclose()
    return _result(latencies, seconds)


def raw_web3(
    url: str,
    manifest: Manifest,
    relayer_key: bytes,
    plans: list[Plan],
    warmup: int = 1,
    estimate: bool = False,
):
    """The same commits without the gateway: one thread per supplier; the relayer's nonce comes from
    a local counter, fees are fixed once; each transaction is signed locally, sent with
    eth_sendRawTransaction and its receipt awaited (web3.py's wait_for_transaction_receipt). Gas is
    fixed once, or with `estimate` asked of the node per transaction (eth_estimateGas: the simulation
    that lets a sender learn of a revert before signing, which the gateway always does)."""
    w3 = web3_for(url)
    tenders = contract(w3, manifest, "Tenders")
    relayer = Account.from_key(relayer_key)
    base_fee = w3.eth.get_block("latest")["baseFeePerGas"]
    priority = w3.eth.max_priority_fee
    fixed = {
        "chainId": w3.eth.chain_id,
        "to": tenders.address,
        "gas": 300_000,
        "maxFeePerGas": 4 * base_fee + priority,
        "maxPriorityFeePerGas": priority,
        "type": 2,
    }
    next_nonce = [w3.eth.get_transaction_count(relayer.address)]
    lock = threading.Lock()
    barrier = threading.Barrier(len(plans) + 1)
    latencies: list[float] = []
    failures: list[BaseException] = []

    def send(client: Web3, bid: Bid) -> float:
        sent = time.perf_counter()
        data = tenders.encode_abi("commitBidBySig", bid.args)
        gas = {}
        if estimate:
            estimated = client.eth.estimate_gas(
                {"from": relayer.address, "to": tenders.address, "data": data}
            )
            gas = {"gas": int(estimated * 1.2) + 10_000}
        with lock:
            nonce = next_nonce[0]
            next_nonce[0] += 1
        signed = relayer.sign_transaction({**fixed, **gas, "nonce": nonce, "data": data})
        tx_hash = client.eth.send_raw_transaction(signed.raw_transaction)
        receipt = client.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.1)
        if receipt["status"] != 1:
            raise RuntimeError(f"commitBidBySig reverted: {Web3.to_hex(tx_hash)}")
        return time.perf_counter() - sent

    def worker(plan: Plan) -> None:
        client = web3_for(url)
        try:
            for bid in plan.bids[:warmup]:
                send(client, bid)
            barrier.wait()
            for bid in plan.bids[warmup:]:
                latencies.append(send(client, bid))
        except BaseException as exc:  # reported by the caller
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a worker failed: reported below
        barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"raw loop failed: {failures[0]!r}")
    return _result(latencies, seconds)


def committed_bids(w3: Web3, manifest: Manifest, from_block: int) -> int:
    tenders = contract(w3, manifest, "Tenders")
    return len(tenders.events.BidCommitted().get_logs(from_block=from_block, to_block="latest"))
