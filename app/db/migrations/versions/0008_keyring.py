"""keyring: no schema change. Each sealed value carries its key id in its text
(`v2:<purpose>:<key id>:...`, app/keyring/keyring.py), so counting and selecting values by key id is a
prefix match on the sealed column and needs no column of its own; the revision keeps the chain.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
