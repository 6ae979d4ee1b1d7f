"""The Payments ledger as the bridge sees it: instructions (and batch lines) read in JSON-RPC
batches, and the treasury's acts (settle, fail, failLines) sent through the transaction manager.

Recording an outcome is safe to repeat: the chain is read first (an act already mined is not sent
again), a transaction already signed for the same act is waited for rather than doubled (its
purpose names the act and the attempt), and a revert because the state moved on is read back from
the chain at the next round."""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass

from eth_abi import decode as abi_decode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from sqlalchemy import select
from web3.contract import Contract

from app.indexer.node import Node, NodeError
from app.ledger.models import SentTransaction
from app.ledger.reverts import ChainRevert
from app.ledger.txmanager import TransactionFailed, TransactionManager
from app.protocol import vocabulary

log = logging.getLogger("terang.payments")

PAYMENT_STATUS = vocabulary.enum("IPayments.PaymentStatus")
NONE, AUTHORIZED, SETTLED, FAILED, CANCELLED = PAYMENT_STATUS.codes(
    "None", "Authorized", "Settled", "Failed", "Cancelled"
)
STATUS_NAMES = PAYMENT_STATUS.words  # by code, as the API says them ("authorized")
INSTRUCTION = vocabulary.struct("IPayments.Instruction")
BATCH_LINES = vocabulary.struct("IPayments.BatchLines")


@dataclass(frozen=True)
class Instruction:
    id: str
    status: int
    attempt: int
    amount: int
    payee_key: str
    source: str


def to_bytes32(text: str) -> bytes:
    """A provider reference or failure code as the ledger's bytes32: the UTF-8 text right-padded
    when it fits, else its keccak256 (the outbox keeps the full text)."""
    raw = text.encode()
    if len(raw) > 32:
        return keccak(raw)
    return raw + b"\0" * (32 - len(raw))


@functools.cache
def _selector(signature: str) -> str:
    return keccak(text=signature)[:4].hex()


def _word(hex32: str) -> bytes:
    raw = bytes.fromhex(hex32.removeprefix("0x"))
    if len(raw) != 32:
        raise ValueError(f"not a bytes32: {hex32}")
    return raw


def _calldata(signature: str, *words: bytes) -> str:
    """ABI calldata of a function whose arguments are all static words (web3's encoder costs about
    a millisecond a call, which the bridge pays for every instruction it reads or records)."""
    return "0x" + _selector(signature) + "".join(word.hex() for word in words)


class PaymentsLedger:
    def __init__(
        self, contract: Contract, node: Node, txmanager: TransactionManager, treasury: LocalAccount | None
    ) -> None:
        self.contract, self.node, self.txmanager, self.treasury = contract, node, txmanager, treasury

    # -- reading -------------------------------------------------------------------------------
    def instructions(self, ids: list[str]) -> dict[str, Instruction]:
        """Current state of each id (status NONE for an id the chain does not know)."""
        found: dict[str, Instruction] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            calls = [
                ("eth_call", [{"to": self.contract.address, "data": self._get(i)}, "latest"]) for i in chunk
            ]
            try:
                results = self.node.batch(calls)
            except NodeError:  # an unknown id reverts: read one by one
                results = [self._one(call) for call in calls]
            for instruction_id, result in zip(chunk, results, strict=True):
                found[instruction_id] = self._decode(instruction_id, result)
        return found

    def _get(self, instruction_id: str) -> str:
        return _calldata("getInstruction(bytes32)", _word(instruction_id))

    def _one(self, call) -> str | None:
        try:
            return self.node.call(*call)
        except NodeError:
            return None

    def batch_line_count(self, instruction_id: str) -> int:
        lines = BATCH_LINES.named(self.contract.functions.batchLinesOf(instruction_id).call())
        return int(lines["lineCount"])

    def failed_lines(self, instruction_id: str, indexes: list[int]) -> set[int]:
        """Which of `indexes` the ledger records as failed lines of batch `instruction_id`."""
        found: set[int] = set()
        for start in range(0, len(indexes), 500):
            chunk = indexes[start : start + 500]
            results = self.node.batch(
                (
                    "eth_call",
                    [
                        {
                            "to": self.contract.address,
                            "data": _calldata(
                                "isLineFailed(bytes32,uint256)",
                                _word(instruction_id),
                                index.to_bytes(32, "big"),
                            ),
                        },
                        "latest",
                    ],
                )
                for index in chunk
            )
            found.update(index for index, result in zip(chunk, results, strict=True) if int(result, 16))
        return found

    @staticmethod
    def _decode(instruction_id: str, result: str | None) -> Instruction:
        if not result or result == "0x":
            return Instruction(instruction_id, NONE, 0, 0, "", "")
        (raw,) = abi_decode((INSTRUCTION.abi_type,), bytes.fromhex(result[2:]))
        data = INSTRUCTION.named(raw)
        return Instruction(
            instruction_id,
            data["status"],
            data["attempt"],
            data["amount"],
            "0x" + data["payeeKey"].hex(),
            data["source"].lower(),
        )

    # -- acting --------------------------------------------------------------------------------
    def send(self, act: str, instruction_id: str, attempt: int, value: str) -> str | None:
        """Sends settle(id, attempt, providerReference) or fail(id, attempt, failureCode) unless a
        transaction for this act and attempt is already on its way; returns the hash to wait for, or
        None on a revert (e.g. PaymentStaleAttempt: the instruction was retried since)."""
        purpose = f"payment:{act}:{instruction_id}-{attempt}"
        signed = self._signed(purpose)
        if signed:
            return signed
        if self.treasury is None:
            raise RuntimeError("no TREASURY signer configured (role:TREASURY in the signers file)")
        data = _calldata(
            f"{act}(bytes32,uint8,bytes32)",
            _word(instruction_id),
            attempt.to_bytes(32, "big"),
            to_bytes32(value),
        )
        try:
            tx_hash = self.txmanager.send(self.treasury, self.contract.address, data, purpose).tx_hash
            log.info(
                "%s %s-%d sent in %s",
                act,
                instruction_id,
                attempt,
                tx_hash,
                extra={"instruction_id": instruction_id, "attempt": attempt, "tx_hash": tx_hash},
            )
            return tx_hash
        except ChainRevert as revert:
            log.info(
                "%s %s-%d refused by the ledger (%s); reading it again", act, instruction_id, attempt, revert
            )
            return None

    def send_fail_lines(
        self,
        instruction_id: str,
        attempt: int,
        lines: list[tuple[int, bytes, int]],
        proofs: list[list[bytes]],
        failure_code: str,
    ) -> str | None:
        """Sends failLines(id, attempt, lines, proofs, failureCode) unless the same report (same lines) is
        already on its way; returns the hash to wait for, or None on a revert."""
        digest = hashlib.sha256(",".join(str(line[0]) for line in lines).encode()).hexdigest()[:16]
        purpose = f"payment:failLines:{instruction_id}-{attempt}:{digest}"
        signed = self._signed(purpose)
        if signed:
            return signed
        if self.treasury is None:
            raise RuntimeError("no TREASURY signer configured (role:TREASURY in the signers file)")
        data = self.contract.encode_abi(
            "failLines", [instruction_id, attempt, lines, proofs, to_bytes32(failure_code)]
        )
        try:
            return self.txmanager.send(self.treasury, self.contract.address, data, purpose).tx_hash
        except ChainRevert as revert:
            log.info("failLines %s-%d refused by the ledger (%s)", instruction_id, attempt, revert)
            return None

    def _signed(self, purpose: str) -> str | None:
        with self.txmanager.sessions() as session:
            return (
                session.execute(
                    select(SentTransaction.tx_hash)
                    .where(SentTransaction.purpose == purpose, SentTransaction.state == "signed")
                    .order_by(SentTransaction.nonce)
                )
                .scalars()
                .first()
            )

    def wait(self, tx_hash: str) -> bool:
        try:
            self.txmanager.wait(tx_hash)
            return True
        except TransactionFailed as exc:
            log.warning("payment transaction %s failed: %s", tx_hash, exc)
            return False
