"""payment bridge: outbox and its journal, received callbacks, sealed payout accounts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_callbacks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("provider_ref", sa.String(length=100), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "digest", name="uq_payment_callback_digest"),
    )
    op.create_index("ix_payment_callbacks_provider_ref", "payment_callbacks", ["provider_ref"], unique=False)
    op.create_index("ix_payment_callbacks_reference", "payment_callbacks", ["reference"], unique=False)
    op.create_table(
        "payment_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instruction_id", sa.String(length=66), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=42), nullable=False),
        sa.Column("payee_key", sa.String(length=66), nullable=False),
        sa.Column("purpose", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("authorized_tx", sa.String(length=66), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=True),
        sa.Column("provider_ref", sa.String(length=100), nullable=True),
        sa.Column("provider_status", sa.String(length=16), nullable=True),
        sa.Column("failure_code", sa.String(length=32), nullable=True),
        sa.Column("chain_tx", sa.String(length=66), nullable=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("callback_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instruction_id", "attempt", name="uq_payment_outbox_attempt"),
    )
    op.create_index("ix_payment_outbox_provider_ref", "payment_outbox", ["provider_ref"], unique=False)
    op.create_index("ix_payment_outbox_state", "payment_outbox", ["state"], unique=False)
    op.create_table(
        "payment_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_payment_steps_outbox", "payment_steps", ["outbox_id"], unique=False)
    op.create_table(
        "payout_accounts",
        sa.Column("payee_key", sa.String(length=66), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("payee_key"),
    )


def downgrade() -> None:
    op.drop_table("payout_accounts")
    op.drop_index("ix_payment_steps_outbox", table_name="payment_steps")
    op.drop_table("payment_steps")
    op.drop_index("ix_payment_outbox_state", table_name="payment_outbox")
    op.drop_index("ix_payment_outbox_provider_ref", table_name="payment_outbox")
    op.drop_table("payment_outbox")
    op.drop_index("ix_payment_callbacks_reference", table_name="payment_callbacks")
    op.drop_index("ix_payment_callbacks_provider_ref", table_name="payment_callbacks")
    op.drop_table("payment_callbacks")
