"""`terang welfare import|exits|bulk-disburse`: the welfare administrators' bulk tools, each a client of a
running gateway (TERANG_TOKEN, --gateway); their options are the wrapped modules' own (--help)."""

from __future__ import annotations

import typer

from app.cli._argv import PASSTHROUGH, hand_over

app = typer.Typer(
    help="Social-registry import and exits, bulk payments (clients of a gateway).", no_args_is_help=True
)


@app.command("import", **PASSTHROUGH)
def registry_import(ctx: typer.Context) -> None:
    """Enrol the families of a signed registry extract (app/welfare/registry_import.py)."""
    from app.welfare.registry_import import main

    hand_over(main, ctx)


@app.command("exits", **PASSTHROUGH)
def registry_exits(ctx: typer.Context) -> None:
    """Exit the families a signed registry update removes (app/welfare/registry_exits.py)."""
    from app.welfare.registry_exits import main

    hand_over(main, ctx)


@app.command("bulk-disburse", **PASSTHROUGH)
def bulk_disburse(ctx: typer.Context) -> None:
    """Pay a period to a list of families in resumable batches (app/welfare/bulk_disburse.py)."""
    from app.welfare.bulk_disburse import main

    hand_over(main, ctx)
