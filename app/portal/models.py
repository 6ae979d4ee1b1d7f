"""Sign-ins in progress: one row per supplier sent to the identity provider, found again (once) by
the `state` it comes back with. The row holds what the callback must check (the nonce and the PKCE
verifier) on the server, so any gateway sharing the database can finish a sign-in another began."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow


class PortalSignIn(Base):
    __tablename__ = "portal_sign_ins"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_verifier: Mapped[str] = mapped_column(String(128))
    return_to: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
