"""`terang keyring init|status|rotate|retire`: the keys that seal secrets at rest (app/keyring)."""

from __future__ import annotations

import typer

from app.cli._argv import PASSTHROUGH, hand_over


def keyring(ctx: typer.Context) -> None:
    """The keyring: init | status [--json] | rotate --purpose P | retire --purpose P --key-id K."""
    from app.keyring.__main__ import main

    hand_over(main, ctx)


def register(app: typer.Typer) -> None:
    app.command("keyring", **PASSTHROUGH)(keyring)
