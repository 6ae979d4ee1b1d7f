"""The indexed position the public reads answer as of: the indexer's cursor (block and hash), the
read models' position (block and hash) and the red flags' state (when the cross-process ones last
ran, whether they are stale, how many processes they read). Every table a cached page reads changes
only in a transaction that also changes one of these (app/indexer/store.py, app/explorer/projection.py,
app/explorer/redflags.py), so two equal positions mean equal pages. A reorg or a rewind moves the
cursor to another block or hash: another position.

One statement over three one-row tables, each by its primary key."""

from __future__ import annotations

from sqlalchemy import Connection, literal, select

from app.explorer.models import ReadModelPosition, RedFlagState
from app.explorer.projection import NAME as READ_MODELS
from app.explorer.redflags import NAME as RED_FLAGS
from app.indexer.models import IndexerCursor
from app.indexer.store import CURSOR

Position = tuple

_POSITION = (
    select(
        IndexerCursor.block_number,
        IndexerCursor.block_hash,
        ReadModelPosition.block_number,
        ReadModelPosition.block_hash,
        RedFlagState.computed_at,
        RedFlagState.stale,
        RedFlagState.analysed,
    )
    .select_from(IndexerCursor)
    .outerjoin(ReadModelPosition, ReadModelPosition.name == literal(READ_MODELS))
    .outerjoin(RedFlagState, RedFlagState.name == literal(RED_FLAGS))
    .where(IndexerCursor.name == CURSOR)
)


def indexed_position(connection: Connection) -> Position | None:
    """The position as one tuple (None before the indexer stored its first batch)."""
    row = connection.execute(_POSITION).first()
    return tuple(row) if row is not None else None
