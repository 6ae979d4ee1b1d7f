"""Payout accounts by payee key: stored sealed, opened only to build a payout."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from app.keyring.columns import SEALED
from app.keyring.keyring import Keyring
from app.payments.models import PayoutAccount


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


def save_account(
    session: Session, keyring: Keyring, payee_key: str, details: AccountDetails, by: str
) -> None:
    payee_key = payee_key.lower()
    ciphertext = keyring.seal(
        "accounts", SEALED["accounts"].bind(payee_key=payee_key), details.model_dump_json().encode()
    )
    row = session.get(PayoutAccount, payee_key)
    if row is None:
        session.add(PayoutAccount(payee_key=payee_key, ciphertext=ciphertext, updated_by=by))
    else:
        row.ciphertext, row.updated_by = ciphertext, by


def load_account(session: Session, keyring: Keyring, payee_key: str) -> AccountDetails | None:
    """The payee's account; SealError if its value does not open (moved, tampered, or naming a
    key id the keyring does not hold)."""
    row = session.get(PayoutAccount, payee_key.lower())
    if row is None:
        return None
    plain = keyring.open("accounts", SEALED["accounts"].bind(payee_key=row.payee_key), row.ciphertext)
    return AccountDetails(**json.loads(plain))
