"""tender search columns: the explorer's tender rows gain the fields the supplier portal filters on
(agency, category, evaluation and selection method, status, commit deadline) as indexed columns.

The columns are filled here from each row's stored summary, and the selection method (not in the
summaries before) from the tender's TenderAnnounced event, one pass over each table: a database
with a national year of tenders is not rebuilt from its events at the next start.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from app.protocol import vocabulary

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

CHUNK = 1_000
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
    _fill()


def _fill() -> None:
    connection = op.get_bind()
    events = sa.table("chain_events", sa.column("contract"), sa.column("event"), sa.column("args", sa.JSON))
    method = vocabulary.enum("ITenders.Method")
    announced = connection.execute(
        sa.select(events.c.args).where(events.c.contract == "Tenders", events.c.event == "TenderAnnounced")
    )
    methods = {args["params"]["ocid"]: method.word(args["params"]["method"]) for (args,) in announced}
    tenders = sa.table(
        "explorer_tenders",
        sa.column("ocid"),
        sa.column("summary", sa.JSON),
        *(sa.column(name) for name, _ in COLUMNS),
    )
    ocids = list(connection.scalars(sa.select(tenders.c.ocid)))
    for start in range(0, len(ocids), CHUNK):  # a thousand summaries in memory at a time
        chunk = ocids[start : start + CHUNK]
        rows = connection.execute(
            sa.select(tenders.c.ocid, tenders.c.summary).where(tenders.c.ocid.in_(chunk))
        )
        for ocid, summary in rows.all():
            summary = {**summary, "method": methods.get(ocid)}
            values = {name: summary.get(name) for name, _ in COLUMNS}
            connection.execute(
                tenders.update().where(tenders.c.ocid == ocid).values(summary=summary, **values)
            )


def downgrade() -> None:
    op.drop_index("ix_explorer_tenders_open", table_name="explorer_tenders")
    with op.batch_alter_table("explorer_tenders") as table:
        for name, _ in reversed(COLUMNS):
            table.drop_column(name)
