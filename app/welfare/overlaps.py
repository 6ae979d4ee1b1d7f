"""Families enrolled in more than one programme, from the indexed events: an audit view beside the
exclusive budget lines (a family on two programmes of one exclusive line is paid once a period,
docs/decisions/0023), for overlaps the lines do not cover, such as PKH with a regional programme.

A family counts in a programme from its BeneficiaryEnrolled event until a BeneficiaryExited one,
and again from a BeneficiaryReinstated (an upheld appeal); a suspended family still counts. As of
the indexer's cursor."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.indexer.models import ChainEvent
from app.welfare.views import CONTRACT, topic_of_id

EVENTS = ("BeneficiaryEnrolled", "BeneficiaryReinstated", "BeneficiaryExited")


def overlaps(session: Session, programmes: list[int]) -> dict[str, list[int]]:
    """Family key -> the programmes (of those asked) it is currently in, for families in two or more."""
    topics = {topic_of_id(p): p for p in programmes}
    rows = session.execute(
        select(ChainEvent.event, ChainEvent.topic1, ChainEvent.args)
        .where(ChainEvent.contract == CONTRACT, ChainEvent.event.in_(EVENTS), ChainEvent.topic1.in_(topics))
        .order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    current: dict[str, set[int]] = {}
    for event, topic, args in rows:
        family = str(args["beneficiaryKey"]).lower()
        held = current.setdefault(family, set())
        (held.discard if event == "BeneficiaryExited" else held.add)(topics[topic])
    return {family: sorted(held) for family, held in sorted(current.items()) if len(held) > 1}
