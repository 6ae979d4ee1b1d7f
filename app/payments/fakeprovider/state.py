"""The fake provider's memory: payouts, idempotency keys and counters. Single-threaded (asyncio),
so a check-then-insert never races."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

# Internal statuses; each shape renders its own names.
ACCEPTED, SUCCEEDED, FAILED, REVERSED = "ACCEPTED", "SUCCEEDED", "FAILED", "REVERSED"
XENDIT_NAMES = {ACCEPTED: "ACCEPTED", SUCCEEDED: "SUCCEEDED", FAILED: "FAILED", REVERSED: "REVERSED"}
IRIS_NAMES = {ACCEPTED: "queued", SUCCEEDED: "completed", FAILED: "failed", REVERSED: "reversed"}


@dataclass
class FakePayout:
    id: str
    shape: str  # xendit | iris
    key: str  # idempotency key
    reference: str  # our reference_id (xendit) or notes (iris)
    amount: int
    channel_code: str
    account_number: str
    holder: str
    status: str = ACCEPTED
    failure_code: str | None = None
    approved: bool = False
    history: list[str] = field(default_factory=list)

    def as_xendit(self) -> dict:
        return {
            "id": self.id,
            "reference_id": self.reference,
            "channel_code": self.channel_code,
            "channel_properties": {
                "account_number": self.account_number,
                "account_holder_name": self.holder,
            },
            "amount": self.amount,
            "currency": "IDR",
            "status": XENDIT_NAMES[self.status],
            **({"failure_code": self.failure_code} if self.failure_code else {}),
        }

    def as_iris(self) -> dict:
        status = IRIS_NAMES[self.status]
        if self.status == ACCEPTED and self.approved:
            status = "processed"
        return {
            "reference_no": self.id,
            "beneficiary_name": self.holder,
            "beneficiary_account": self.account_number,
            "bank": self.channel_code,
            "amount": f"{self.amount}.00",
            "notes": self.reference,
            "status": status,
            **({"error_code": self.failure_code} if self.failure_code else {}),
        }


@dataclass
class Ledger:
    payouts: dict[str, FakePayout] = field(default_factory=dict)
    # (shape, idempotency key) -> (request fingerprint, payout id)
    keys: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    create_requests: dict[str, int] = field(default_factory=dict)  # by idempotency key
    counters: dict[str, int] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def next_id(self, shape: str) -> str:
        return f"{'disb' if shape == 'xendit' else 'iris'}-{next(self._ids):08d}"

    def count(self, name: str, by: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + by
