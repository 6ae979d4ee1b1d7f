"""payment bridge: quarantined and parked rows, first request time, reconciliation watermark

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Each payable row (an attempt in payment_outbox, a batch line in payment_lines) gains:
- quarantine / quarantined_at: why the bridge set the row aside (a reason code: a malformed provider
  answer, an account that does not open, a provider 4xx for that row, a payout that cannot be looked
  up after an unanswered request) and since when; the bridge leaves it alone until the treasury
  releases it;
- requested_at: when the payout was first asked for (a row left `requesting` is created again
  under the same key only while the provider is known to remember keys);
- reconciled_at: when reconciliation last found the row final and in agreement, so the next run
  asks the provider only about rows that can still change.
Retention of old idempotency records and confirmed transactions (app/ledger/retention.py) needs
no schema change: it deletes by state and age.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PAYABLE = ("payment_outbox", "payment_lines")


def upgrade() -> None:
    for table in PAYABLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("quarantine", sa.String(length=32), nullable=True))
            batch.add_column(sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=True))
            batch.add_column(sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True))
            batch.add_column(sa.Column("reconciled_at", sa.DateTime(timezone=True), nullable=True))
        op.create_index(f"ix_{table}_quarantine", table, ["quarantine"], unique=False)


def downgrade() -> None:
    for table in reversed(PAYABLE):
        op.drop_index(f"ix_{table}_quarantine", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("reconciled_at")
            batch.drop_column("requested_at")
            batch.drop_column("quarantined_at")
            batch.drop_column("quarantine")
