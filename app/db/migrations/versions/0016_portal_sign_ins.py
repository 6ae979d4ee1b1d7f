"""portal sign-ins: the supplier portal's sign-ins in progress (state, PKCE verifier, where to go back).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_sign_ins",
        sa.Column("state", sa.String(64), primary_key=True),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("return_to", sa.String(512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_portal_sign_ins_created_at", "portal_sign_ins", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_portal_sign_ins_created_at", table_name="portal_sign_ins")
    op.drop_table("portal_sign_ins")
