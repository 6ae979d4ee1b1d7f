"""Where the sealed values of each purpose live, and what each is bound to. A purpose's values may
sit in several tables (`sealed_columns`): rotation, status and retirement cover them all.

The keyring sits below the domains (.importlinter), so it names their tables here rather than
importing their models; the domains build their bindings with `SEALED[purpose].bind(...)`, so a
value sealed by a domain and a value re-sealed by rotation use one binding.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import column, table
from sqlalchemy.sql.expression import ColumnClause, TableClause


@dataclass(frozen=True)
class SealedColumn:
    purpose: str
    table: str
    key: str  # the primary key, for batches in key order
    column: str  # the sealed text
    binding: str  # a format over the row's columns: the associated data of its value
    fields: tuple[str, ...]

    def bind(self, **values: object) -> str:
        return self.binding.format(**values)

    def bind_row(self, row) -> str:
        return self.bind(**{name: getattr(row, name) for name in self.fields})

    def sql(self) -> tuple[TableClause, ColumnClause, ColumnClause]:
        names = dict.fromkeys((self.key, self.column, *self.fields))
        t = table(self.table, *(column(name) for name in names))
        return t, t.c[self.key], t.c[self.column]


SEALED: dict[str, SealedColumn] = {
    "accounts": SealedColumn(
        "accounts", "payout_accounts", "payee_key", "ciphertext", "{payee_key}", ("payee_key",)
    ),
    "managed-keys": SealedColumn(
        "managed-keys",
        "managed_supplier_keys",
        "supplier_id",
        "sealed_key",
        "managed-key:{supplier_id}:{address}",
        ("supplier_id", "address"),
    ),
    "openings": SealedColumn(
        "openings",
        "managed_bid_openings",
        "id",
        "sealed_opening",
        "bid-opening:{supplier_id}:{tender_id}:{commitment}",
        ("supplier_id", "tender_id", "commitment"),
    ),
}

# Further tables sealed under a purpose: a Pokja member's score sheet hides what a bid's opening
# hides (what a sealed hash commits to, until it opens), so it is sealed under `openings` too.
SCORE_SHEETS = SealedColumn(
    "openings",
    "pokja_score_sheets",
    "id",
    "sealed_value",
    "score-sheet:{tender_id}:{member}:{sealed_sheet}",
    ("tender_id", "member", "sealed_sheet"),
)
# Each proposed version of a payout account (the history, app/payments/accounts.py), bound to its
# payee and version: a version's value moved to another version or payee does not open.
ACCOUNT_VERSIONS = SealedColumn(
    "accounts",
    "payout_account_versions",
    "id",
    "ciphertext",
    "account-version:{payee_key}:{version}",
    ("payee_key", "version"),
)
# A family's phone number for its notices (app/welfare/contacts.py): how a payee is reached is
# sealed with how it is paid, bound to the family's key.
WELFARE_CONTACTS = SealedColumn(
    "accounts",
    "welfare_contacts",
    "family_key",
    "ciphertext",
    "welfare-contact:{family_key}",
    ("family_key",),
)
ALSO_SEALED: dict[str, tuple[SealedColumn, ...]] = {
    "openings": (SCORE_SHEETS,),
    "accounts": (ACCOUNT_VERSIONS, WELFARE_CONTACTS),
}


def sealed_columns(purpose: str) -> tuple[SealedColumn, ...]:
    """Every table whose values are sealed under `purpose`."""
    return (SEALED[purpose], *ALSO_SEALED.get(purpose, ()))
