"""read models: precomputed, incrementally maintained tables the explorer, OCDS and red flags read

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
