"""tender search columns: the explorer's tender rows gain the fields the supplier portal filters on
(agency, category, evaluation and selection method, status, commit deadline) as indexed columns.

The rows are a read model, rebuildable from chain_events: the projection's position is dropped so
the next catch-up rebuilds every row with the new columns filled.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COLUMNS = (
    ("agency", sa.BigInteger()),
    ("category", sa.String(32)),
    ("evaluation", sa.String(32)),
    ("method", sa.String(32)),
    ("status", sa.String(32)),
    ("commit_deadline", sa.BigInteger()),
)


def upgrade() -> None:
    with op.batch_alter_table("explorer_tenders") as table:
        for name, kind in COLUMNS:
            table.add_column(sa.Column(name, kind, nullable=True))
    op.create_index("ix_explorer_tenders_open", "explorer_tenders", ["status", "commit_deadline"])
    op.execute("DELETE FROM read_model_positions WHERE name = 'main'")


def downgrade() -> None:
    op.drop_index("ix_explorer_tenders_open", table_name="explorer_tenders")
    with op.batch_alter_table("explorer_tenders") as table:
        for name, _ in reversed(COLUMNS):
            table.drop_column(name)
