"""A payment instruction as the Payments ledger holds it, JSON-ready: purpose and status names, the
source contract's manifest name, and for a batch instruction its line counts (and, for a welfare
batch, the programme and period it pays)."""

from __future__ import annotations

from typing import Any

from web3 import Web3

from app.ledger.client import ChainClient
from app.ledger.view_calls import named
from app.protocol import vocabulary

# IPayments.Purpose and PaymentStatus as the API says them (by code: PURPOSES[purpose]).
PURPOSE = vocabulary.enum("IPayments.Purpose")
STATUS = vocabulary.enum("IPayments.PaymentStatus")
PURPOSES, STATUSES = PURPOSE.words, STATUS.words
WELFARE_BATCH = PURPOSE.code("WelfareBatch")


def source_name(chain: ChainClient, address: str) -> str | None:
    """The manifest name of a source contract (e.g. WelfarePrograms), None for another address."""
    deployed = chain.manifest.version_at(address)  # any version: a replaced contract keeps its name
    return deployed.name if deployed else None


def instruction_view(chain: ChainClient, instruction_id: str) -> dict[str, Any] | None:
    """The chain's view of instruction `instruction_id` (0x hex), None when the ledger has none."""
    payments = chain.contract("Payments")
    if payments.functions.statusOf(instruction_id).call() == STATUS.code("None"):
        return None
    data = named(payments, "getInstruction", payments.functions.getInstruction(instruction_id).call())
    source = Web3.to_checksum_address(data["source"])
    view = {
        "instructionId": instruction_id.lower(),
        "source": source,
        "sourceContract": source_name(chain, source),
        "purpose": PURPOSES[data["purpose"]],
        "status": STATUSES[data["status"]],
        "attempt": data["attempt"],
        "amount": data["amount"],
        "payeeKey": Web3.to_hex(data["payeeKey"]),
        "batch": None,
    }
    if data["purpose"] == WELFARE_BATCH:
        lines = named(payments, "batchLinesOf", payments.functions.batchLinesOf(instruction_id).call())
        view["batch"] = {
            "lineCount": lines["lineCount"],
            "failedLines": lines["failedLines"],
            "failedAmount": lines["failedAmount"],
            # The payee key of a batch is the Merkle root of its lines (index, beneficiaryKey, amount).
            "linesRoot": view["payeeKey"],
            "welfare": _welfare_batch(chain, instruction_id)
            if view["sourceContract"] == "WelfarePrograms"
            else None,
        }
    return view


def _welfare_batch(chain: ChainClient, batch_id: str) -> dict[str, Any]:
    welfare = chain.contract("WelfarePrograms")
    batch = named(welfare, "getBatch", welfare.functions.getBatch(batch_id).call())
    return {"programmeId": batch["programmeId"], "period": batch["period"]}
