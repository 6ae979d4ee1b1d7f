"""red flags: the dashboard's counts per indicator and group stored with the flags' state, instead
of grouping every flag row on each request. Forgetting the state makes the read models' next
catch-up rebuild the flags, and their counts with them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("redflag_state") as table:
        table.add_column(sa.Column("counts", sa.JSON(), nullable=False, server_default="{}"))
    op.execute("DELETE FROM redflag_state")


def downgrade() -> None:
    with op.batch_alter_table("redflag_state") as table:
        table.drop_column("counts")
