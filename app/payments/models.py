"""Tables of the payment bridge. The outbox holds one row per payment attempt (instruction id,
attempt): every step is written there, in its own committed transaction, before the bridge acts on
it, so a process killed at any point resumes from what it had decided. Account details live here
only (encrypted), never on chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow
from app.protocol import vocabulary

# Outbox states, in order. `requesting` is written before the provider is called, `settling` and
# `failing` before the chain is; `settled` and `failed` are final for the attempt.
NEW, REQUESTING, PENDING, SETTLING, FAILING, SETTLED, FAILED = (
    "new",
    "requesting",
    "pending",
    "settling",
    "failing",
    "settled",
    "failed",
)
FINAL = (SETTLED, FAILED)
# A batch instruction (purpose WelfareBatch) is not one payout: its attempt row goes `new` ->
# `lines` (its lines read from the chain and stored in payment_lines, each paid on its own) ->
# `settling` once every line is paid or failed -> `settled`. `held` is for a batch whose lines
# could not be read back and proven against its root: nothing is paid, a person looks.
LINES = "lines"
HELD = "held"
BATCH_PURPOSES = frozenset({vocabulary.enum("IPayments.Purpose").code("WelfareBatch")})
# Line states: `new` -> `requesting` -> `pending` -> `paid` | `failed` (final at the provider; a
# failed line is then proven to Payments.failLines before the batch is settled).
PAID = "paid"
LINE_FINAL = (PAID, FAILED)


class PayoutAccount(Base):
    """Where a payee key is paid: channel code, account number and holder name, encrypted with
    AES-GCM bound to the payee key (a ciphertext moved to another payee does not decrypt)."""

    __tablename__ = "payout_accounts"

    payee_key: Mapped[str] = mapped_column(String(66), primary_key=True)
    ciphertext: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# Decisions on a proposed account version (app/payments/accounts.py). `stage` makes each decision
# happen once: a proposal is decided once (approved, rejected or withdrawn), an approved version is
# revoked at most once (during its cooling-off).
APPROVED, REJECTED, WITHDRAWN, REVOKED = "approved", "rejected", "withdrawn", "revoked"
STAGES = {APPROVED: "decision", REJECTED: "decision", WITHDRAWN: "decision", REVOKED: "revocation"}


class PayoutAccountVersion(Base):
    """One proposed version of a payee's payout account: sealed details (bound to payee key and
    version), the channel and masked number in the clear for the history, and who proposed it.
    Append-only: the database refuses to delete a row or change anything but its sealed text (key
    rotation re-seals it)."""

    __tablename__ = "payout_account_versions"
    __table_args__ = (UniqueConstraint("payee_key", "version", name="uq_payout_account_versions_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payee_key: Mapped[str] = mapped_column(String(66))
    version: Mapped[int] = mapped_column(Integer)
    ciphertext: Mapped[str] = mapped_column(Text)
    channel_code: Mapped[str] = mapped_column(String(32))
    masked_number: Mapped[str] = mapped_column(String(34))
    proposed_by: Mapped[str] = mapped_column(String(200))  # the token's subject, sub:<subject>
    proposed_officer: Mapped[str] = mapped_column(String(42))  # the official's own account
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PayoutAccountDecision(Base):
    """A decision on a version, by a treasury official: approved (effective from `effective_at`),
    rejected, withdrawn (by its proposer) or revoked (an approved version, before it takes effect).
    Append-only; the database refuses an approval by the version's proposer."""

    __tablename__ = "payout_account_decisions"
    __table_args__ = (UniqueConstraint("version_id", "stage", name="uq_payout_account_decisions_stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_officer: Mapped[str] = mapped_column(String(42))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    effective_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)


class PayeeNotice(Base):
    """A notice to the payee about a change of its payout account (proposed, approved, rejected,
    withdrawn, revoked), kept until the notifier has accepted it (app/payments/notices.py)."""

    __tablename__ = "payee_notices"
    __table_args__ = (
        Index("ix_payee_notices_state", "state"),
        Index("ix_payee_notices_payee", "payee_key", "version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payee_key: Mapped[str] = mapped_column(String(66))
    version: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(16))
    body: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=NEW)  # new -> sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PaymentOutbox(Base):
    """One payment attempt: what the chain authorised and how far the bridge has taken it."""

    __tablename__ = "payment_outbox"
    __table_args__ = (
        UniqueConstraint("instruction_id", "attempt", name="uq_payment_outbox_attempt"),
        Index("ix_payment_outbox_state", "state"),
        Index("ix_payment_outbox_provider_ref", "provider_ref"),
        Index("ix_payment_outbox_quarantine", "quarantine"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instruction_id: Mapped[str] = mapped_column(String(66))
    attempt: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(42))
    payee_key: Mapped[str] = mapped_column(String(66))
    purpose: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    authorized_tx: Mapped[str] = mapped_column(String(66))
    state: Mapped[str] = mapped_column(String(16), default=NEW)
    provider: Mapped[str | None] = mapped_column(String(16), nullable=True)
    provider_ref: Mapped[str | None] = mapped_column(String(100), nullable=True)
    provider_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    failure_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    chain_tx: Mapped[str | None] = mapped_column(String(66), nullable=True)
    # The payout account version the payout was sent to (0: an account from before the history).
    account_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    requests: Mapped[int] = mapped_column(Integer, default=0)  # provider create calls made
    callback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Set aside by the bridge (a reason code, app/payments/quarantine.py) until the treasury releases it.
    quarantine: Mapped[str | None] = mapped_column(String(32), nullable=True)
    quarantined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reconciled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def key(self) -> str:
        """Idempotency key and reference id at the provider: one per attempt, never reused."""
        return payout_key(self.instruction_id, self.attempt)

    @property
    def description(self) -> str:
        return f"Terang payment {self.instruction_id[:18]} attempt {self.attempt}"

    def step(self, state: str, **detail) -> PaymentStep:
        return PaymentStep(outbox_id=self.id, state=state, detail=detail)


def payout_key(instruction_id: str, attempt: int) -> str:
    return f"{instruction_id}-{attempt}"


def line_key(instruction_id: str, index: int) -> str:
    """A batch line's idempotency key: per instruction and line, not per attempt, so a line paid
    under one attempt is never paid again under a retry of the instruction (the provider answers
    the same key with the same payout)."""
    return f"{instruction_id}-L{index}"


def key_fields(key: str | None) -> dict:
    """A payout key's parts as a log line's fields (`instruction_id` and `attempt` or `line`), so
    the bridge's, the callbacks' and the chain's lines about one instruction can be joined."""
    instruction_id, _, rest = (key or "").rpartition("-")
    if not instruction_id:
        return {}
    if rest.isdigit():
        return {"instruction_id": instruction_id, "attempt": int(rest)}
    if rest[:1] == "L" and rest[1:].isdigit():
        return {"instruction_id": instruction_id, "line": int(rest[1:])}
    return {}


class PaymentLine(Base):
    """One line of a batch instruction (index, beneficiary key, amount), as committed by the batch's
    Merkle root, and how far its payout has gone. `outbox_id` is the attempt row now paying it
    (its journal entries go there, with the line index)."""

    __tablename__ = "payment_lines"
    __table_args__ = (
        UniqueConstraint("instruction_id", "line_index", name="uq_payment_lines_line"),
        Index("ix_payment_lines_state", "state"),
        Index("ix_payment_lines_outbox", "outbox_id"),
        Index("ix_payment_lines_provider_ref", "provider_ref"),
        Index("ix_payment_lines_quarantine", "quarantine"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(Integer)
    instruction_id: Mapped[str] = mapped_column(String(66))
    line_index: Mapped[int] = mapped_column(Integer)
    payee_key: Mapped[str] = mapped_column(String(66))
    amount: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default=NEW)
    provider: Mapped[str | None] = mapped_column(String(16), nullable=True)
    provider_ref: Mapped[str | None] = mapped_column(String(100), nullable=True)
    provider_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    failure_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    account_version: Mapped[int | None] = mapped_column(Integer, nullable=True)  # as the outbox's
    callback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Set aside by the bridge (a reason code, app/payments/quarantine.py) until the treasury releases it.
    quarantine: Mapped[str | None] = mapped_column(String(32), nullable=True)
    quarantined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reconciled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def key(self) -> str:
        return line_key(self.instruction_id, self.line_index)

    @property
    def description(self) -> str:
        return f"Terang bansos {self.instruction_id[:18]} line {self.line_index}"

    def step(self, state: str, **detail) -> PaymentStep:
        return PaymentStep(outbox_id=self.outbox_id, state=state, detail={"line": self.line_index, **detail})


class PaymentStep(Base):
    """The outbox's journal: each state change with what caused it (audit, and tests)."""

    __tablename__ = "payment_steps"
    __table_args__ = (Index("ix_payment_steps_outbox", "outbox_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PaymentCallback(Base):
    """Every authenticated provider callback, once: a second delivery of the same body (the
    provider's retry, or a replay) matches `digest` and is acknowledged without being acted on."""

    __tablename__ = "payment_callbacks"
    __table_args__ = (
        UniqueConstraint("provider", "digest", name="uq_payment_callback_digest"),
        Index("ix_payment_callbacks_provider_ref", "provider_ref"),
        Index("ix_payment_callbacks_reference", "reference"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64))
    provider_ref: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
