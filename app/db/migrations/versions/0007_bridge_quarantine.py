"""payment bridge: quarantined rows, parked attempts, and retention of old idempotency and transaction rows

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
