"""`terang check`: what a process checks before it starts (app/config.py check_deployment; for the
gateway also what `python -m app` checks: signers, keyring, node and manifest, port), without
starting it. Exit status 0 and one `ok` line, or 2 and one line naming what is wrong."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

import typer


class Process(str, enum.Enum):
    gateway = "gateway"
    bridge = "bridge"
    indexer = "indexer"


def check(
    process: Annotated[Process, typer.Option(help="the process whose settings to check")] = Process.gateway,
) -> None:
    """Check the TERANG_* configuration, the node and the manifest without serving anything."""
    from app.config import check_deployment, settings_or_refusal

    settings = settings_or_refusal(process.value)
    if settings is None:
        raise typer.Exit(2)
    in_use = check_deployment(settings, process.value)
    if process is Process.gateway:
        from app.__main__ import preflight

        chain = preflight(settings)
        if chain is None:
            raise typer.Exit(2)
        where = f", {settings.host}:{settings.port} free"
    else:
        from app.ledger.client import ChainUnavailable, connect
        from app.protocol.manifest import ManifestError

        try:
            chain = connect(settings)
        except (ChainUnavailable, ManifestError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
        where = ""
    manifest = chain.manifest
    print(
        f"ok: {process.value} (TERANG_ENVIRONMENT={settings.environment}): chain {manifest.chain_id}, "
        f"{len(manifest.contracts)} contracts in the manifest{where}"
    )
    if in_use:
        print(f"development values in use (public, never for real data): {', '.join(in_use)}")


def register(app: typer.Typer) -> None:
    app.command("check")(check)
