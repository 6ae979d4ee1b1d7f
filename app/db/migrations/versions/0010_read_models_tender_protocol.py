"""read models: rebuilt for the tender protocol's events. No schema change: the tender summaries
(explorer_tenders) gained the Pokja, deadlines with pauses applied, per-bid openings and objections;
OCDS releases (ocds_tenders) gained Terang's extension; supplier rows count bids not opened by the
supplier itself. Forgetting the read models' position makes the next catch-up (the indexer's next
batch, or the gateway's start) rebuild every one of them from chain_events, in its own transaction.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM read_model_positions")


def downgrade() -> None:
    # The older code rebuilds what it reads the same way.
    op.execute("DELETE FROM read_model_positions")
