"""The archive's root on chain: anchoring it (Archives.anchorArchive, signed with the data officer's
own key from the signers file) and reading it back (Archives.getArchive), each failure as one line."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from web3.exceptions import (
    ContractCustomError,
    ContractLogicError,
    TimeExhausted,
    TransactionNotFound,
    Web3RPCError,
)

from app.archives.importer import ArchiveError
from app.ledger.client import ChainClient
from app.ledger.reverts import ErrorDecoder

CONTRACT = "Archives"
RECEIPT_TIMEOUT = 120


@dataclass(frozen=True)
class Anchored:
    archive_id: int
    transaction: str
    block_number: int


@dataclass(frozen=True)
class OnChain:
    archive_id: int
    root: bytes
    metadata_hash: bytes
    record_count: int
    anchored_at: int
    officer: str
    kind: int


def _refusal(client: ChainClient, exc: Exception) -> str:
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x") and len(data) >= 10:
        abis = [client.manifest.contracts[CONTRACT].abi, client.manifest.contracts["AccessHub"].abi]
        revert = ErrorDecoder(abis).decode(data)
        return revert.error
    return exc.__class__.__name__


def anchor(
    client: ChainClient,
    officer: LocalAccount,
    kind: int,
    root: bytes,
    record_count: int,
    metadata_hash: bytes,
    on_sent=None,
) -> Anchored:
    """Sends anchorArchive from the officer's account and waits for it; ArchiveError when refused."""
    contract = client.contract(CONTRACT)
    call = contract.functions.anchorArchive(kind, root, record_count, metadata_hash)
    w3 = client.web3
    try:
        tx = call.build_transaction(
            {
                "from": officer.address,
                "nonce": w3.eth.get_transaction_count(officer.address, "pending"),
                "chainId": w3.eth.chain_id,
            }
        )
    except (ContractCustomError, ContractLogicError, Web3RPCError) as exc:
        reason = _refusal(client, exc)
        hint = {
            "AccessManagedUnauthorized": f"akun {officer.address} bukan petugas data (DATA_OFFICER) / "
            "not a data officer",
            "EnforcedPause": "kontrak Archives sedang dijeda / the Archives contract is paused",
        }.get(reason, "")
        raise ArchiveError(
            f"rantai menolak anchorArchive / the chain refused anchorArchive: {reason} {hint}".strip()
        ) from None
    signed = officer.sign_transaction(tx)
    if on_sent is not None:  # before sending: a run stopped after the node took it finds it again
        on_sent("0x" + bytes(signed.hash).hex())
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    try:
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=RECEIPT_TIMEOUT)
    except TimeExhausted:
        raise ArchiveError(
            f"transaksi {tx_hash.hex()} belum ditambang; jalankan lagi nanti / not mined yet; run again later"
        ) from None
    return _anchored(client, receipt)


def _anchored(client: ChainClient, receipt) -> Anchored:
    if receipt["status"] != 1:
        raise ArchiveError(f"transaksi {receipt['transactionHash'].hex()} gagal / transaction failed")
    events = client.contract(CONTRACT).events.ArchiveAnchored().process_receipt(receipt)
    if not events:
        raise ArchiveError("transaksi tanpa ArchiveAnchored / the transaction anchored nothing")
    return Anchored(
        int(events[0]["args"]["archiveId"]),
        "0x" + bytes(receipt["transactionHash"]).hex(),
        int(receipt["blockNumber"]),
    )


def receipt_of(client: ChainClient, transaction: str) -> Anchored | None:
    """The anchoring of an earlier run whose transaction was signed (None when the chain never took it:
    anchoring again is then safe, as after a reverted one). Still pending, it is not sent a second time;
    any other failure to ask is raised, not taken for "never sent"."""
    try:
        receipt = client.web3.eth.get_transaction_receipt(transaction)
    except TransactionNotFound:
        try:
            client.web3.eth.get_transaction(transaction)
        except TransactionNotFound:  # never taken by the node, or dropped
            return None
        raise ArchiveError(
            f"transaksi {transaction} belum ditambang; jalankan lagi nanti / not mined yet; run again later"
        ) from None
    if receipt["status"] != 1:  # reverted: it anchored nothing, so anchoring again is safe
        return None
    return _anchored(client, receipt)


def read(client: ChainClient, archive_id: int) -> OnChain:
    try:
        stored = client.contract(CONTRACT).functions.getArchive(archive_id).call()
    except (ContractCustomError, ContractLogicError):
        raise ArchiveError(
            f"rantai tidak punya arsip #{archive_id} / the chain has no archive #{archive_id}"
        ) from None
    root, metadata_hash, count, anchored_at, officer, kind = stored
    return OnChain(
        archive_id, bytes(root), bytes(metadata_hash), int(count), int(anchored_at), officer, int(kind)
    )


def connected(settings) -> ChainClient:
    """The configured node with a manifest that has the Archives contract; ArchiveError (one line)
    otherwise."""
    from app.ledger.client import ChainUnavailable, connect

    try:
        client = connect(settings)
    except (ChainUnavailable, ValueError, OSError) as exc:
        raise ArchiveError(f"rantai tidak tersedia / chain unavailable: {str(exc).splitlines()[0]}") from None
    if CONTRACT not in client.manifest.contracts:
        raise ArchiveError(
            "manifest tidak memuat kontrak Archives; deploy ulang / the manifest has no Archives contract"
        )
    return client


def officer_key(settings, address: str | None) -> LocalAccount:
    """The data officer's own key from the signers file (an account that anchors signs for itself);
    ArchiveError (one line) when it is not named or not there."""
    from eth_utils import is_address

    from app.ledger.errors import SignerUnavailable
    from app.ledger.signers import SignerRegistry, officer_signer

    if not address or not is_address(address):
        raise ArchiveError(
            "sebutkan akun petugas data: --officer 0x… / name the data officer's account: --officer 0x…"
        )
    try:
        return SignerRegistry(settings.signers_file).get(officer_signer(address))
    except (SignerUnavailable, OSError, ValueError) as exc:
        raise ArchiveError(
            f"kunci petugas tidak tersedia / the officer's key is unavailable: {str(exc).splitlines()[0]}"
        ) from None
