"""legacy archives: imported archives, their records' canonical bytes and leaves, and their Merkle
trees' inner nodes; each archive's root is anchored on chain (app/archives/models.py).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archives",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("kind", sa.Integer, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("period", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lines_done", sa.BigInteger, nullable=False),
        sa.Column("record_count", sa.BigInteger, nullable=False),
        sa.Column("root", sa.String(66), nullable=True),
        sa.Column("metadata_json", sa.Text, nullable=True),
        sa.Column("metadata_hash", sa.String(66), nullable=True),
        sa.Column("chain_archive_id", sa.BigInteger, nullable=True),
        sa.Column("transaction", sa.String(66), nullable=True),
        sa.Column("officer", sa.String(42), nullable=True),
        sa.Column("block_number", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("anchored_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "archive_records",
        sa.Column("archive_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("line", sa.BigInteger, nullable=False),
        sa.Column("ocid", sa.String(128), nullable=False),
        sa.Column("canonical", sa.Text, nullable=False),
        sa.Column("leaf", sa.LargeBinary(32), nullable=False),
    )
    op.create_index("ix_archive_records_ocid", "archive_records", ["ocid", "archive_id"])
    op.create_table(
        "archive_nodes",
        sa.Column("archive_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("archive_nodes")
    op.drop_index("ix_archive_records_ocid", table_name="archive_records")
    op.drop_table("archive_records")
    op.drop_table("archives")
