"""What the bridge needs from a disbursement provider, whatever its API looks like.

Statuses are normalised to PENDING, SUCCEEDED, FAILED and REVERSED (paid, then returned by the
bank). Errors fall in two kinds that the bridge treats differently:
- ProviderUnavailable: timeout, connection error, 5xx. Whether the payout exists is unknown, so the
  bridge asks again later with the same idempotency key (the provider answers with the same payout).
- ProviderRejected: a definite refusal with a failure code (e.g. INVALID_DESTINATION); no payout
  exists, the attempt fails on chain.
- AnswerUnusable: an answer about this one payout that the bridge cannot act on (a body missing a
  field, a fractional or negative amount, a 4xx for this payout other than a refusal to create).
  Asking again would get the same; the row is quarantined for a person, the others go on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

PENDING, SUCCEEDED, FAILED, REVERSED = "PENDING", "SUCCEEDED", "FAILED", "REVERSED"


class ProviderUnavailable(Exception):
    """No answer we can rely on: retry with the same idempotency key."""


class ProviderRejected(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


class AnswerUnusable(Exception):
    """An answer about one payout that cannot be acted on; `code` says why, never the body."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


MALFORMED_ANSWER = "MALFORMED_ANSWER"
BAD_AMOUNT = "BAD_AMOUNT"
PROVIDER_4XX = "PROVIDER_4XX"


def rupiah(value) -> int:
    """A provider's amount as whole rupiah: an integer, or an integral decimal string ("150000.00");
    a fractional, negative, boolean or missing amount raises AnswerUnusable(BAD_AMOUNT)."""
    if isinstance(value, bool) or value is None:
        raise AnswerUnusable(BAD_AMOUNT)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise AnswerUnusable(BAD_AMOUNT) from None
    if not amount.is_finite() or amount != amount.to_integral_value() or amount < 0:
        raise AnswerUnusable(BAD_AMOUNT)
    return int(amount)


def parsed(build, data) -> Payout:
    """`build(data)` with any missing or mistyped field reported as AnswerUnusable."""
    try:
        payout = build(data)
    except AnswerUnusable:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise AnswerUnusable(MALFORMED_ANSWER) from None
    if not isinstance(payout.reference, str) or not payout.reference:
        raise AnswerUnusable(MALFORMED_ANSWER)
    return payout


class CallbackRefused(Exception):
    """A callback that is not authentic (bad token or signature) or not well-formed."""


@dataclass(frozen=True)
class PayoutOrder:
    key: str  # idempotency key and our reference: "<instruction id>-<attempt>"
    amount: int  # rupiah
    channel_code: str
    account_number: str = field(repr=False)  # never in a log line, whatever prints the order
    account_holder_name: str = field(repr=False)
    description: str


@dataclass(frozen=True)
class Payout:
    reference: str  # the provider's payout id
    key: str | None  # our reference, when the provider reports it
    status: str
    amount: int
    failure_code: str | None = None


@dataclass(frozen=True)
class CallbackNotice:
    """An authenticated callback: which payout, and what the provider says happened."""

    reference: str | None
    key: str | None
    status: str
    amount: int | None
    failure_code: str | None


class Provider(Protocol):
    name: str
    can_find: bool  # whether find() can search payouts by our reference

    def create(self, order: PayoutOrder) -> Payout:
        """Creates the payout, or returns the one already created under `order.key`."""

    def approve(self, payout: Payout) -> Payout:
        """Second person's approval where the provider separates it (Iris); else a no-op."""

    def get(self, reference: str) -> Payout:
        """The payout as the provider knows it now."""

    def find(self, key: str) -> list[Payout]:
        """Payouts carrying our reference `key` (empty where the API cannot search)."""

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackNotice:
        """Authenticates and parses a callback; raises CallbackRefused."""

    def close(self) -> None: ...
