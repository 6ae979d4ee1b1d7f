"""Subcommands that hand their arguments to an existing argparse `main(argv)` unchanged: that module's
own parser reads them (its --help prints its usage and exits before anything runs)."""

from __future__ import annotations

from collections.abc import Callable

import typer

# typer/click parse nothing here: every word after the subcommand, --help included, goes to main(argv)
PASSTHROUGH: dict = {
    "context_settings": {"allow_extra_args": True, "ignore_unknown_options": True},
    "add_help_option": False,
}


def hand_over(main: Callable[[list[str]], int], ctx: typer.Context) -> None:
    raise typer.Exit(main(list(ctx.args)) or 0)
