"""`terang gateway`, `terang indexer`, `terang bridge`, `terang reconcile`: the long-running processes
and the payment reconciliation, as `python -m app`, `python -m app.indexer`,
`python -m app.payments.bridge` and `python -m app.payments.reconcile` run them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from app.cli._argv import PASSTHROUGH, hand_over


def gateway(
    host: Annotated[
        str | None, typer.Option(help="address to listen on (sets TERANG_HOST; default 127.0.0.1)")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="port (sets TERANG_PORT; default 8000)")
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(help="deployment manifest (sets TERANG_MANIFEST; default deployments/<chain id>.json)"),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="processes (more than one needs PostgreSQL and TERANG_INDEXER_ENABLED=false)"
        ),
    ] = 1,
) -> None:
    """Check the configuration and the chain, then serve the gateway (HTTP API, explorer, portal)."""
    for name, value in (("TERANG_HOST", host), ("TERANG_PORT", port), ("TERANG_MANIFEST", manifest)):
        if value is not None:
            os.environ[name] = str(value)
    from app.__main__ import main

    raise typer.Exit(main(workers))


def indexer(ctx: typer.Context) -> None:
    """Run the indexer as its own process: `terang indexer [--metrics-port N]` (--help: its options)."""
    from app.indexer.__main__ import main

    hand_over(main, ctx)


def bridge() -> None:
    """Run the payment bridge as its own process (provider payouts of the chain's instructions)."""
    from app.payments.bridge import main

    raise typer.Exit(main())


def reconcile(ctx: typer.Context) -> None:
    """Compare the chain, the outbox and the provider: `terang reconcile [--repair] [--full] [--json]`."""
    from app.payments.reconcile import main

    hand_over(main, ctx)


def register(app: typer.Typer) -> None:
    app.command("gateway")(gateway)
    app.command("indexer", **PASSTHROUGH)(indexer)
    app.command("bridge")(bridge)
    app.command("reconcile", **PASSTHROUGH)(reconcile)
