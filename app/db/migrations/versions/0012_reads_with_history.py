"""reads with history: chain_events indexed for the explorer's lookups that scanned every event
(a transaction's events by hash; the officials directory and role events by event name; a
contract's newest events, with or without an event name, in chain order), and the red flags as
rows (one per flag) instead of one JSON document re-parsed by every page; the welfare page's
per-period aggregates and the event counts per contract and kind (home and contract pages) as
read models instead of scans of every event. The new tables
start empty and the read models' position is forgotten: their next catch-up (the indexer's next
batch, or the gateway's start) rebuilds them all from chain_events.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_chain_events_tx_hash", "chain_events", ["tx_hash"], unique=False)
    op.create_index(
        "ix_chain_events_event", "chain_events", ["event", "block_number", "log_index"], unique=False
    )
    op.create_index(
        "ix_chain_events_contract_position",
        "chain_events",
        ["contract", "block_number", "log_index"],
        unique=False,
    )
    op.drop_index("ix_chain_events_contract_event", table_name="chain_events")
    op.create_index(
        "ix_chain_events_contract_event",
        "chain_events",
        ["contract", "event", "block_number", "log_index"],
        unique=False,
    )
    op.drop_table("redflag_results")
    op.create_table(
        "explorer_welfare_periods",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(
        "ix_explorer_welfare_periods_position", "explorer_welfare_periods", ["position"], unique=False
    )
    op.create_table(
        "explorer_event_counts",
        sa.Column("contract", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("contract", "event"),
    )
    # The read models' next catch-up builds the new tables from chain_events.
    op.execute("DELETE FROM read_model_positions")
    op.create_table(
        "redflag_flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ocid", sa.String(length=128), nullable=True),
        sa.Column("flag_group", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=255), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_redflag_flags_entity", "redflag_flags", ["flag_group", "entity", "code"], unique=False
    )
    op.create_index("ix_redflag_flags_ocid", "redflag_flags", ["ocid"], unique=False)
    op.create_table(
        "redflag_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("analysed", sa.Integer(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("explorer_event_counts")
    op.drop_index("ix_explorer_welfare_periods_position", table_name="explorer_welfare_periods")
    op.drop_table("explorer_welfare_periods")
    op.drop_table("redflag_state")
    op.drop_index("ix_redflag_flags_ocid", table_name="redflag_flags")
    op.drop_index("ix_redflag_flags_entity", table_name="redflag_flags")
    op.drop_table("redflag_flags")
    op.create_table(
        "redflag_results",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("results_json", sa.Text(), nullable=False),
        sa.Column("analysed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # The older code builds its red flags at the next catch-up only from a forgotten position.
    op.execute("DELETE FROM read_model_positions")
    op.drop_index("ix_chain_events_contract_event", table_name="chain_events")
    op.create_index("ix_chain_events_contract_event", "chain_events", ["contract", "event"], unique=False)
    op.drop_index("ix_chain_events_contract_position", table_name="chain_events")
    op.drop_index("ix_chain_events_event", table_name="chain_events")
    op.drop_index("ix_chain_events_tx_hash", table_name="chain_events")
