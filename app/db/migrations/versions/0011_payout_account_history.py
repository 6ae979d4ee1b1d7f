"""Payout accounts under four eyes: each change a proposed version of the payee's account (sealed),
decided once by a second treasury official, effective after a cooling-off; notices to the payee in
an outbox; each payout records the account version it was sent to. The history is append-only: the
database itself refuses to delete or rewrite a version or a decision (triggers), and refuses an
approval by the official who proposed the version.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Columns of a version that never change: only `ciphertext` may be re-sealed (key rotation).
FIXED = (
    "payee_key",
    "version",
    "channel_code",
    "masked_number",
    "proposed_by",
    "proposed_officer",
    "proposed_at",
)
APPEND_ONLY = "payout account history is append-only"

SQLITE = [
    f"""CREATE TRIGGER payout_account_versions_no_delete BEFORE DELETE ON payout_account_versions
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER payout_account_versions_fixed BEFORE UPDATE OF {", ".join(FIXED)}
    ON payout_account_versions BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER payout_account_decisions_no_delete BEFORE DELETE ON payout_account_decisions
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER payout_account_decisions_no_update BEFORE UPDATE ON payout_account_decisions
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    """CREATE TRIGGER payout_account_decisions_four_eyes BEFORE INSERT ON payout_account_decisions
    WHEN NEW.decision = 'approved' AND EXISTS (
        SELECT 1 FROM payout_account_versions v WHERE v.id = NEW.version_id
        AND (v.proposed_officer = NEW.decided_officer OR v.proposed_by = NEW.decided_by))
    BEGIN SELECT RAISE(ABORT, 'payout account version approved by its proposer'); END""",
]
POSTGRESQL = [
    f"""CREATE FUNCTION payout_account_versions_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        IF {" AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in FIXED)} THEN
          RETURN NEW;  -- a re-sealing (key rotation): the same version under a new key
        END IF;
      END IF;
      RAISE EXCEPTION '{APPEND_ONLY}';
    END $$""",
    f"""CREATE FUNCTION payout_account_decisions_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '{APPEND_ONLY}';
    END $$""",
    """CREATE TRIGGER payout_account_versions_append_only BEFORE UPDATE OR DELETE
    ON payout_account_versions FOR EACH ROW EXECUTE FUNCTION payout_account_versions_refuse()""",
    """CREATE TRIGGER payout_account_decisions_append_only BEFORE UPDATE OR DELETE
    ON payout_account_decisions FOR EACH ROW EXECUTE FUNCTION payout_account_decisions_refuse()""",
    """CREATE FUNCTION payout_account_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.decision = 'approved' AND EXISTS (
          SELECT 1 FROM payout_account_versions v WHERE v.id = NEW.version_id
          AND (v.proposed_officer = NEW.decided_officer OR v.proposed_by = NEW.decided_by)) THEN
        RAISE EXCEPTION 'payout account version approved by its proposer';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER payout_account_decisions_four_eyes BEFORE INSERT
    ON payout_account_decisions FOR EACH ROW EXECUTE FUNCTION payout_account_four_eyes()""",
]


def upgrade() -> None:
    op.create_table(
        "payout_account_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payee_key", sa.String(length=66), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("channel_code", sa.String(length=32), nullable=False),
        sa.Column("masked_number", sa.String(length=34), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("proposed_officer", sa.String(length=42), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payee_key", "version", name="uq_payout_account_versions_version"),
    )
    op.create_table(
        "payout_account_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("payout_account_versions.id"), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_officer", sa.String(length=42), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "stage", name="uq_payout_account_decisions_stage"),
    )
    op.create_table(
        "payee_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payee_key", sa.String(length=66), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_payee_notices_state", "payee_notices", ["state"], unique=False)
    op.create_index("ix_payee_notices_payee", "payee_notices", ["payee_key", "version"], unique=False)
    for table in ("payment_outbox", "payment_lines"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("account_version", sa.Integer(), nullable=True))
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER payout_account_decisions_four_eyes ON payout_account_decisions")
        op.execute("DROP TRIGGER payout_account_decisions_append_only ON payout_account_decisions")
        op.execute("DROP TRIGGER payout_account_versions_append_only ON payout_account_versions")
        op.execute("DROP FUNCTION payout_account_four_eyes()")
        op.execute("DROP FUNCTION payout_account_decisions_refuse()")
        op.execute("DROP FUNCTION payout_account_versions_refuse()")
    for table in ("payment_lines", "payment_outbox"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("account_version")
    op.drop_index("ix_payee_notices_payee", table_name="payee_notices")
    op.drop_index("ix_payee_notices_state", table_name="payee_notices")
    op.drop_table("payee_notices")
    op.drop_table("payout_account_decisions")
    op.drop_table("payout_account_versions")
