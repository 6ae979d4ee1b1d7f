"""The declarative base every table of the gateway shares (so one Alembic history covers them all),
and the UTC clock their timestamps use. Each domain declares its own tables in its own models.py."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import DeclarativeBase


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass
