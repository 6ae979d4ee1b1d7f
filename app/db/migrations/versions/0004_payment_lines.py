"""payment bridge: the lines of batch instructions (welfare), each paid on its own

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("instruction_id", sa.String(length=66), nullable=False),
        sa.Column("line_index", sa.Integer(), nullable=False),
        sa.Column("payee_key", sa.String(length=66), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=True),
        sa.Column("provider_ref", sa.String(length=100), nullable=True),
        sa.Column("provider_status", sa.String(length=16), nullable=True),
        sa.Column("failure_code", sa.String(length=32), nullable=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("callback_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instruction_id", "line_index", name="uq_payment_lines_line"),
    )
    op.create_index("ix_payment_lines_state", "payment_lines", ["state"], unique=False)
    op.create_index("ix_payment_lines_outbox", "payment_lines", ["outbox_id"], unique=False)
    op.create_index("ix_payment_lines_provider_ref", "payment_lines", ["provider_ref"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_payment_lines_provider_ref", table_name="payment_lines")
    op.drop_index("ix_payment_lines_outbox", table_name="payment_lines")
    op.drop_index("ix_payment_lines_state", table_name="payment_lines")
    op.drop_table("payment_lines")
