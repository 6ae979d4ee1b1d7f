"""The notices' loop inside the gateway: every `poll` seconds, turn newly indexed events into
notices (app/welfare/notices.py `collect`) and send the due ones. Without a messenger URL the
notices are recorded and wait (listed for caseworkers); a failed round is logged and tried again."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.keyring.keyring import keyring_for
from app.welfare import notices
from app.welfare.messenger import Messenger

log = logging.getLogger("terang.welfare.notices")


class NoticeThread:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.poll = settings.welfare_notices_poll_seconds
        self.keyring = keyring_for(settings)
        self.messenger = (
            Messenger(
                settings.welfare_messenger_url,
                settings.welfare_messenger_token.get_secret_value(),
                settings.welfare_messenger_timeout_seconds,
            )
            if settings.welfare_messenger_url
            else None
        )
        self.policy = notices.DeliveryPolicy(
            site=settings.public_base_url.rstrip("/"),
            max_attempts=settings.welfare_notice_max_attempts,
            retry_seconds=settings.welfare_notice_retry_seconds,
            contact_grace=timedelta(seconds=settings.welfare_notice_contact_grace_seconds),
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="terang-welfare-notices", daemon=True)

    def start(self) -> NoticeThread:
        self._thread.start()
        return self

    def step(self) -> None:
        with self.sessions.begin() as session:
            notices.collect(session)
        if self.messenger is not None:
            notices.deliver(self.sessions, self.keyring, self.messenger, self.policy)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception as exc:  # noqa: BLE001 (database busy, provider away: next round)
                log.warning("welfare notices: round failed (%s); trying again", type(exc).__name__)
            self._stop.wait(self.poll)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
        if self.messenger is not None:
            self.messenger.close()
