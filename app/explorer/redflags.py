"""The red flags as rows (app/explorer/models.py RedFlag), kept current by the projection and read
by the pages one entity at a time.

app.redflags' indicators fall in two kinds. Process-local ones (LOCAL) flag a process, and its
tenderers with a fixed value, from that process's compiled release alone: when a process changes,
only its own rows are replaced (`refresh_processes`, in the indexer's transaction). The others
compare processes (quartile fences, windows of awards per buyer and supplier, pairs of tenderers,
shares per tenderer): a change to one process can move any of their flags, so they run over every
stored compiled release at once (`recompute_cross`), spaced out by the projection (at most once
per interval while processes keep changing, and once more after the last change). Their union is
exactly what app.redflags prints over every compiled release: the codes of the two kinds are
disjoint, and Terang publishes every amount in one currency (app/ocds/releases.py CURRENCY), so a
process-local run over one release sees the main currency a run over all of them sees.
`recompute_all` rebuilds every row (a new database, a rebuilt read model, a full recompute)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.explorer.models import RedFlag, RedFlagState
from app.ocds.models import OcdsTender
from app.ocds.releases import CURRENCY
from app.redflags.engine import PREDETERMINED_PRICES, default_settings, evaluate
from app.redflags.results import GROUPS, Results
from app.redflags.settings import Settings

NAME = "main"
LOCAL = ("R003", "R018", "R028", "R030", "R035", "R036")
CROSS = tuple(code for code in default_settings().indicators if code not in LOCAL)
# One currency for the process-local runs (see the module docstring).
# Price indicators skip e-Katalog orders, whose prices are the catalogue's (PREDETERMINED_PRICES).
LOCAL_SETTINGS = Settings(
    indicators={code: {} for code in LOCAL},
    currency=CURRENCY,
    no_price_comparison_procurement_methods=PREDETERMINED_PRICES,
)
CROSS_SETTINGS = Settings(
    indicators={code: {} for code in CROSS}, no_price_comparison_procurement_methods=PREDETERMINED_PRICES
)
PAGE = 1_000  # rows per read of a streamed query (the JSON export, the cross-process run)
clock = time.time  # UTC seconds, when the cross-process flags ran
# Least seconds between two runs of the cross-process indicators while tenders keep changing: one
# run reads every stored compiled release (its time over the national replay: docs/performance.md).
CROSS_SECONDS = 30.0
# And at least this many times the last run's own duration, so that however long the history, the
# reruns take at most a fifth of a busy indexer's time (a national year's run takes minutes).
CROSS_COST_FACTOR = 4


def _rows(results: Results, ocid: str | None) -> list[dict[str, Any]]:
    return [
        {"ocid": ocid, "group": group, "entity": entity, "code": code, "value": _finite(value)}
        for group, entities in results.as_dict().items()
        for entity, codes in entities.items()
        for code, value in codes.items()
    ]


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _state(session: Session) -> RedFlagState:
    state = session.get(RedFlagState, NAME)
    if state is None:
        state = RedFlagState(name=NAME, analysed=0, stale=True, computed_at=0.0, counts={})
        session.add(state)
    return state


def built(session: Session) -> bool:
    """Whether the rows were ever built (False on a new database or right after the migration)."""
    return session.get(RedFlagState, NAME) is not None


# -- writing (the projection) --------------------------------------------------------------------------
def refresh_processes(session: Session, ocids: Iterable[str]) -> int:
    """Replaces the process-local flags of `ocids` from their stored compiled releases (a process
    no longer stored loses its rows) and marks the cross-process flags stale. Returns how many
    processes it read."""
    wanted = sorted(set(ocids))
    if not wanted:
        return 0
    for start in range(0, len(wanted), PAGE):
        chunk = wanted[start : start + PAGE]
        session.execute(delete(RedFlag).where(RedFlag.ocid.in_(chunk)))
        stored = session.execute(
            select(OcdsTender.ocid, OcdsTender.compiled).where(OcdsTender.ocid.in_(chunk))
        )
        rows = [row for ocid, release in stored for row in _rows(evaluate([release], LOCAL_SETTINGS), ocid)]
        if rows:
            session.execute(insert(RedFlag), rows)
    state = _state(session)
    state.stale = True
    state.analysed = session.scalar(select(func.count()).select_from(OcdsTender)) or 0
    state.counts = count_flags(session)
    return len(wanted)


def recompute_cross(session: Session) -> int:
    """Runs the cross-process indicators over every stored compiled release and replaces their
    rows. Returns how many processes it read."""
    read = 0

    def releases() -> Iterator[dict]:
        # Streamed (the engine folds one release at a time): memory holds the indicators' folded
        # state, not every compiled release of the history at once.
        nonlocal read
        query = select(OcdsTender.compiled).order_by(OcdsTender.position).execution_options(yield_per=PAGE)
        for release in session.scalars(query):
            read += 1
            yield release

    rows = _rows(evaluate(releases(), CROSS_SETTINGS), None)
    session.execute(delete(RedFlag).where(RedFlag.ocid.is_(None)))
    if rows:
        session.execute(insert(RedFlag), rows)
    state = _state(session)
    state.analysed, state.stale, state.computed_at = read, False, clock()
    state.counts = count_flags(session)
    return read


def recompute_all(session: Session) -> int:
    """Every flag rebuilt from the stored compiled releases (both kinds). Returns the processes read."""
    session.execute(delete(RedFlag))
    refresh_processes(session, session.scalars(select(OcdsTender.ocid)).all())
    return recompute_cross(session)


def cross_due(session: Session, interval: float) -> bool:
    """The cross-process flags are stale and last ran at least `interval` seconds ago."""
    state = session.get(RedFlagState, NAME)
    return state is not None and state.stale and clock() - state.computed_at >= interval


# -- reading (the pages) -------------------------------------------------------------------------------
def flags_of(session: Session, group: str, entity: str) -> dict[str, float | None]:
    """code -> value of one entity's flags (one index range)."""
    rows = session.execute(
        select(RedFlag.code, RedFlag.value)
        .where(RedFlag.group == group, RedFlag.entity == entity)
        .order_by(RedFlag.code)
    )
    return {code: value for code, value in rows}


def analysed(session: Session) -> int:
    state = session.get(RedFlagState, NAME)
    return state.analysed if state is not None else 0


def count_flags(session: Session) -> dict[str, dict[str, int]]:
    """Entities flagged per code and per group (an entity counted once however many processes
    raised its flag), counted over every row: the projection stores them after each change."""
    session.flush()
    # A tenderer flagged by a process-local indicator in many processes is one flag.
    flags = select(RedFlag.group, RedFlag.entity, RedFlag.code).distinct().subquery()
    code = flags.c.code
    per_code = {c: n for c, n in session.execute(select(code, func.count()).group_by(code).order_by(code))}
    entities = select(RedFlag.group, RedFlag.entity).distinct().subquery()
    group = entities.c.group
    per_group = {g: n for g, n in session.execute(select(group, func.count()).group_by(group))}
    return {"codes": per_code, "groups": {g: per_group[g] for g in GROUPS if g in per_group}}


def counts(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """count_flags as the projection last stored them (one row read)."""
    state = session.get(RedFlagState, NAME)
    stored = state.counts if state is not None and state.counts else {}
    return dict(stored.get("codes", {})), dict(stored.get("groups", {}))


def entity_page(
    session: Session, group: str, after: str | None, limit: int
) -> tuple[dict[str, dict[str, float | None]], str | None]:
    """Up to `limit` flagged entities of `group` after `after`, in id order, with their flags; and
    the entity to continue after (None on the last page)."""
    keys = select(RedFlag.entity).where(RedFlag.group == group).distinct().order_by(RedFlag.entity)
    if after is not None:
        keys = keys.where(RedFlag.entity > after)
    names = list(session.scalars(keys.limit(limit + 1)))
    more = len(names) > limit
    names = names[:limit]
    page: dict[str, dict[str, float | None]] = {name: {} for name in names}
    if names:
        rows = session.execute(
            select(RedFlag.entity, RedFlag.code, RedFlag.value)
            .where(RedFlag.group == group, RedFlag.entity.in_(names))
            .order_by(RedFlag.entity, RedFlag.code)
        )
        for entity, code, value in rows:
            page[entity][code] = value
    return page, (names[-1] if more else None)


def json_chunks(read: Callable[[], Session]) -> Iterator[str]:
    """Every flag in Cardinal's output shape (`{"OCID": {ocid: {code: value}}, ...}`), as text
    chunks of a bounded number of rows each, each chunk read in a short session of its own."""
    yield "{"
    first_group = True
    for group in GROUPS:
        after: tuple[str, str] | None = None
        first_entity, current = True, None
        while True:
            query = (
                select(RedFlag.entity, RedFlag.code, RedFlag.value)
                .where(RedFlag.group == group)
                .order_by(RedFlag.entity, RedFlag.code)
            )
            if after is not None:
                query = query.where(
                    (RedFlag.entity > after[0]) | ((RedFlag.entity == after[0]) & (RedFlag.code > after[1]))
                )
            with read() as session:
                rows = session.execute(query.limit(PAGE)).all()
            parts = []
            for entity, code, value in rows:
                if after == (entity, code):
                    continue  # the same flag from another process (process-local tenderer flags)
                if current is None:
                    parts.append(("" if first_group else ",") + json.dumps(group) + ":{")
                    first_group = False
                if entity != current:
                    parts.append(
                        ("}," if not first_entity else "") + json.dumps(entity, ensure_ascii=False) + ":{"
                    )
                    first_entity, current, first_code = False, entity, True
                parts.append(("" if first_code else ",") + json.dumps(code) + ":" + json.dumps(value))
                first_code, after = False, (entity, code)
            if parts:
                yield "".join(parts)
            if len(rows) < PAGE:
                break
        if current is not None:
            yield "}}"
    yield "}"
