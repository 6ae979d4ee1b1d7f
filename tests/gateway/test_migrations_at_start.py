"""The gateway's start upgrades its database (outside production): a database behind the head is
migrated, one at the head is left alone after one read of its version, and a database that cannot
be read is handed to alembic, whose error is the one reported."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy.exc import OperationalError

from app.db import migrate


def test_a_database_behind_the_head_is_migrated_to_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    head = migrate.head_revision()
    below = migrate.ScriptDirectory(str(migrate.MIGRATIONS)).get_revision(head).down_revision
    migrate.upgrade(url, below)
    assert migrate.current_revision(url) == below
    migrate.upgrade(url)
    assert migrate.current_revision(url) == head


def test_a_database_at_the_head_is_not_migrated_again(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    migrate.upgrade(url)
    calls = []
    monkeypatch.setattr(command, "upgrade", lambda *args: calls.append(args))
    migrate.upgrade(url)
    assert calls == []
    migrate.upgrade(url, "head")
    assert calls == []


def test_an_unreadable_database_goes_to_alembic_and_its_error_stands(tmp_path):
    folder = tmp_path / "not-a-file.db"
    folder.mkdir()  # SQLite cannot open a directory
    url = f"sqlite:///{folder}"
    assert migrate.current_revision(url) is None
    with pytest.raises(OperationalError):
        migrate.upgrade(url)
