"""Payout accounts by payee key: stored sealed, opened only to build a payout, and changed only
under four eyes (docs/decisions/0020-payout-accounts-four-eyes.md).

A change of a payee's account is a proposed VERSION (sealed, bound to payee key and version) by a
treasury official, decided once by ANOTHER treasury official: approved, rejected, or withdrawn by
its proposer. An approved version takes effect after the cooling-off (none for a payee's first
account: there is no account a change could divert money from), and may be revoked by any
treasury official until then. Each step is a notice to the payee (app/payments/notices.py). The
versions and decisions are append-only (the database refuses to rewrite or delete them, and
refuses an approval by the version's proposer).

An official is the account named by the token's `officer` claim, and the token's subject: two
tokens of one officer, or one subject under two officer accounts, are one official.

The account IN FORCE at a time is the approved, unrevoked version with the latest `effective_at`
not after it; a payee with no such version is paid to its account from before the history
(`payout_accounts`, version 0), if any."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from app.db.models import utcnow
from app.keyring.columns import ACCOUNT_VERSIONS, SEALED
from app.keyring.keyring import Keyring
from app.payments.models import (
    APPROVED,
    REJECTED,
    REVOKED,
    STAGES,
    WITHDRAWN,
    PayoutAccount,
    PayoutAccountDecision,
    PayoutAccountVersion,
)
from app.payments.notices import notify

LEGACY = 0  # the version number of an account registered before the history


class AccountDetails(BaseModel):
    """Where a payee is paid. Stored encrypted; answered with the number masked."""

    model_config = ConfigDict(
        extra="forbid",
        hide_input_in_errors=True,  # an error's text (which may reach a log) never quotes the number
        json_schema_extra={
            "examples": [
                {
                    "channelCode": "ID_BRI",
                    "accountNumber": "002101000123456",
                    "accountHolderName": "CV Maju Jaya",
                }
            ]
        },
    )

    channelCode: str = Field(
        pattern=r"^[A-Z0-9_]{2,32}$", description="bank or e-wallet, e.g. ID_BCA", examples=["ID_BRI"]
    )
    accountNumber: str = Field(pattern=r"^[0-9]{4,34}$", examples=["002101000123456"], repr=False)
    accountHolderName: str = Field(min_length=1, max_length=100, examples=["CV Maju Jaya"], repr=False)

    def masked(self) -> str:
        return "*" * (len(self.accountNumber) - 4) + self.accountNumber[-4:]


@dataclass(frozen=True)
class Official:
    """A treasury official as its token names it."""

    subject: str  # sub:<subject>
    officer: str  # checksum address

    def same_as(self, by: str, officer: str) -> bool:
        return self.subject == by or self.officer.lower() == officer.lower()


class AccountRefused(Exception):
    """A change the rules refuse; `code` is the API's stable code, `status` its HTTP status."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


@dataclass(frozen=True)
class InForce:
    version: int
    details: AccountDetails


def _utc(value: datetime | None) -> datetime | None:
    """SQLite answers naive datetimes; every stored time is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


# -- the account in force ---------------------------------------------------------------------------
def _approved(session: Session, payee_key: str):
    """(version row, approval) of the payee's approved, unrevoked versions."""
    approval, revocation = aliased(PayoutAccountDecision), aliased(PayoutAccountDecision)
    return (
        select(PayoutAccountVersion, approval)
        .join(approval, and_(approval.version_id == PayoutAccountVersion.id, approval.decision == APPROVED))
        .where(
            PayoutAccountVersion.payee_key == payee_key,
            ~exists().where(revocation.version_id == PayoutAccountVersion.id, revocation.decision == REVOKED),
        )
    ), approval


def version_in_force(session: Session, payee_key: str, at: datetime | None = None) -> int | None:
    """The number of the payee's version in force at `at` (now): LEGACY for an account from before
    the history, None for no account."""
    payee_key, at = payee_key.lower(), at or utcnow()
    query, approval = _approved(session, payee_key)
    row = session.execute(
        query.where(approval.effective_at <= at)
        .order_by(approval.effective_at.desc(), PayoutAccountVersion.version.desc())
        .limit(1)
    ).first()
    if row is not None:
        return row[0].version
    return LEGACY if session.get(PayoutAccount, payee_key) is not None else None


def account_in_force(
    session: Session, keyring: Keyring, payee_key: str, at: datetime | None = None
) -> InForce | None:
    """The payee's account in force at `at` (now) with its version; SealError if its value does not
    open (moved, tampered, or naming a key id the keyring does not hold)."""
    payee_key = payee_key.lower()
    version = version_in_force(session, payee_key, at)
    if version is None:
        return None
    if version == LEGACY:
        row = session.get(PayoutAccount, payee_key)
        plain = keyring.open("accounts", SEALED["accounts"].bind(payee_key=payee_key), row.ciphertext)
        return InForce(LEGACY, AccountDetails(**json.loads(plain)))
    row = session.execute(
        select(PayoutAccountVersion).where(
            PayoutAccountVersion.payee_key == payee_key, PayoutAccountVersion.version == version
        )
    ).scalar_one()
    return InForce(version, open_version(keyring, row))


def open_version(keyring: Keyring, row: PayoutAccountVersion) -> AccountDetails:
    plain = keyring.open("accounts", ACCOUNT_VERSIONS.bind_row(row), row.ciphertext)
    return AccountDetails(**json.loads(plain))


def load_account(session: Session, keyring: Keyring, payee_key: str) -> AccountDetails | None:
    """The payee's account in force now; SealError if its value does not open."""
    found = account_in_force(session, keyring, payee_key)
    return found.details if found else None


def save_account(
    session: Session, keyring: Keyring, payee_key: str, details: AccountDetails, by: str
) -> None:
    """Writes an account from BEFORE the history (version 0): the import of accounts kept
    elsewhere, and test and benchmark fixtures. No route calls it; the gateway changes an account
    only by `propose` and `decide`."""
    payee_key = payee_key.lower()
    ciphertext = keyring.seal(
        "accounts", SEALED["accounts"].bind(payee_key=payee_key), details.model_dump_json().encode()
    )
    row = session.get(PayoutAccount, payee_key)
    if row is None:
        session.add(PayoutAccount(payee_key=payee_key, ciphertext=ciphertext, updated_by=by))
    else:
        row.ciphertext, row.updated_by = ciphertext, by


# -- proposals and decisions ------------------------------------------------------------------------
def propose(
    session: Session, keyring: Keyring, payee_key: str, details: AccountDetails, by: Official
) -> PayoutAccountVersion:
    """A new version of the payee's account, awaiting a second official. Refused while another
    proposal of the payee awaits its decision (`account_change_pending`)."""
    payee_key = payee_key.lower()
    if pending(session, payee_key) is not None:
        raise AccountRefused(
            409,
            "account_change_pending",
            f"a proposed change of {payee_key}'s account awaits a decision: approve, reject or "
            "withdraw it first",
        )
    last = session.execute(
        select(func.max(PayoutAccountVersion.version)).where(PayoutAccountVersion.payee_key == payee_key)
    ).scalar_one()
    row = PayoutAccountVersion(
        payee_key=payee_key,
        version=(last or 0) + 1,
        ciphertext="",
        channel_code=details.channelCode,
        masked_number=details.masked(),
        proposed_by=by.subject,
        proposed_officer=by.officer,
        proposed_at=utcnow(),
    )
    row.ciphertext = keyring.seal(
        "accounts", ACCOUNT_VERSIONS.bind_row(row), details.model_dump_json().encode()
    )
    session.add(row)
    session.flush()
    notify(session, row, "proposed")
    return row


def pending(session: Session, payee_key: str) -> PayoutAccountVersion | None:
    """The payee's proposal awaiting a decision, if any."""
    decided = exists().where(
        PayoutAccountDecision.version_id == PayoutAccountVersion.id, PayoutAccountDecision.stage == "decision"
    )
    return session.execute(
        select(PayoutAccountVersion).where(PayoutAccountVersion.payee_key == payee_key.lower(), ~decided)
    ).scalar_one_or_none()


def _version(session: Session, payee_key: str, version: int) -> PayoutAccountVersion:
    row = session.execute(
        select(PayoutAccountVersion).where(
            PayoutAccountVersion.payee_key == payee_key.lower(), PayoutAccountVersion.version == version
        )
    ).scalar_one_or_none()
    if row is None:
        raise AccountRefused(404, "not_found", f"no version {version} of {payee_key.lower()}'s account")
    return row


def _decisions(session: Session, row: PayoutAccountVersion) -> dict[str, PayoutAccountDecision]:
    found = session.execute(
        select(PayoutAccountDecision).where(PayoutAccountDecision.version_id == row.id)
    ).scalars()
    return {d.decision: d for d in found}


def decide(
    session: Session,
    payee_key: str,
    version: int,
    decision: str,
    by: Official,
    cooling_off: timedelta,
    reason: str | None = None,
) -> PayoutAccountDecision:
    """Approve, reject or withdraw a proposed version, or revoke an approved one before it takes
    effect. Refused: approving one's own proposal (`account_same_official`), withdrawing another's
    (`account_not_proposer`), deciding a decided proposal (`account_already_decided`), revoking
    what is not approved or already in effect (`account_not_revocable`)."""
    row = _version(session, payee_key, version)
    decided = _decisions(session, row)
    now = utcnow()
    effective_at = None
    if decision == REVOKED:
        approval = decided.get(APPROVED)
        if approval is None or REVOKED in decided or _utc(approval.effective_at) <= now:
            raise AccountRefused(
                409,
                "account_not_revocable",
                f"version {version} is not an approved change still in its cooling-off",
            )
    else:
        if decided:
            (earlier,) = (d for d in decided.values() if d.stage == "decision")
            raise AccountRefused(
                409, "account_already_decided", f"version {version} was {earlier.decision} already"
            )
        proposer = by.same_as(row.proposed_by, row.proposed_officer)
        if decision == APPROVED and proposer:
            raise AccountRefused(
                403,
                "account_same_official",
                "a change of a payout account is approved by a second treasury official, not by "
                "the official who proposed it",
            )
        if decision == WITHDRAWN and not proposer:
            raise AccountRefused(
                403, "account_not_proposer", "only the official who proposed a change withdraws it"
            )
        if decision == APPROVED:
            first = version_in_force(session, row.payee_key, now + cooling_off) is None
            effective_at = now if first else now + cooling_off
    assert decision in (APPROVED, REJECTED, WITHDRAWN, REVOKED)
    record = PayoutAccountDecision(
        version_id=row.id,
        stage=STAGES[decision],
        decision=decision,
        decided_by=by.subject,
        decided_officer=by.officer,
        decided_at=now,
        effective_at=effective_at,
        reason=reason,
    )
    session.add(record)
    session.flush()
    notify(session, row, decision, effective_at=effective_at)
    return record


# -- the history ------------------------------------------------------------------------------------
def history(session: Session, payee_key: str, at: datetime | None = None) -> list[dict]:
    """Every version of the payee's account, newest first: masked number, who proposed and who
    decided what and when, from when it is (or was) effective, and whether it is in force now."""
    payee_key, at = payee_key.lower(), at or utcnow()
    in_force = version_in_force(session, payee_key, at)
    rows = session.execute(
        select(PayoutAccountVersion)
        .where(PayoutAccountVersion.payee_key == payee_key)
        .order_by(PayoutAccountVersion.version.desc())
    ).scalars()
    answer = []
    for row in rows:
        decided = _decisions(session, row)
        decision = next((d for d in decided.values() if d.stage == "decision"), None)
        revocation = decided.get(REVOKED)
        approval = decided.get(APPROVED)
        if decision is None:
            status = "proposed"
        elif revocation is not None:
            status = REVOKED
        elif approval is not None:
            status = (
                "in_force"
                if in_force == row.version
                else ("cooling_off" if _utc(approval.effective_at) > at else "superseded")
            )
        else:
            status = decision.decision
        answer.append(
            {
                "version": row.version,
                "status": status,
                "channelCode": row.channel_code,
                "accountNumber": row.masked_number,
                "proposedBy": row.proposed_officer,
                "proposedAt": _utc(row.proposed_at),
                "decision": decision.decision if decision else None,
                "decidedBy": decision.decided_officer if decision else None,
                "decidedAt": _utc(decision.decided_at) if decision else None,
                "reason": decision.reason if decision else None,
                "effectiveFrom": _utc(approval.effective_at) if approval else None,
                "revokedBy": revocation.decided_officer if revocation else None,
                "revokedAt": _utc(revocation.decided_at) if revocation else None,
            }
        )
    if session.get(PayoutAccount, payee_key) is not None:
        legacy = session.get(PayoutAccount, payee_key)
        answer.append(
            {
                "version": LEGACY,
                "status": "in_force" if in_force == LEGACY else "superseded",
                "channelCode": None,
                "accountNumber": None,
                "proposedBy": None,
                "proposedAt": None,
                "decision": None,
                "decidedBy": None,
                "decidedAt": _utc(legacy.updated_at),
                "reason": "registered before the account history",
                "effectiveFrom": None,
                "revokedBy": None,
                "revokedAt": None,
            }
        )
    return answer


# -- reconciliation ---------------------------------------------------------------------------------
def version_problem(session: Session, payee_key: str, version: int, at: datetime) -> str | None:
    """Why a payout sent at `at` to `version` of the payee's account was not sent to the account in
    force then, or None: `account_not_approved` (no such version, or never approved by a second
    official, or revoked), `account_not_effective` (approved, still in its cooling-off),
    `account_not_in_force` (another version was in force)."""
    payee_key, at = payee_key.lower(), _utc(at)
    if version != LEGACY:
        query, approval = _approved(session, payee_key)
        found = session.execute(query.where(PayoutAccountVersion.version == version)).first()
        if found is None:
            return "account_not_approved"
        if _utc(found[1].effective_at) > at:
            return "account_not_effective"
    elif session.get(PayoutAccount, payee_key) is None:
        return "account_not_approved"
    return None if version_in_force(session, payee_key, at) == version else "account_not_in_force"
