"""The root of the `terang` command (pyproject.toml [project.scripts] terang = app.cli.main:run).

Every subcommand imports what it runs only when it runs, so `terang --help` and each `--help` print
their help and touch nothing (tests/ops/test_package.py)."""

from __future__ import annotations

import typer

from app.archives.cli import app as archive
from app.catalogue.cli import app as catalogue
from app.cli import check, db, keyring, processes, welfare
from app.onboarding.cli import app as onboard
from app.plans.cli import app as plans
from app.sikap.cli import app as sikap

app = typer.Typer(
    name="terang",
    help=(
        "Terang: procurement and social assistance on an EVM chain. Settings come from TERANG_* "
        "environment variables (app/config.py); paths default to ./var and ./deployments."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
processes.register(app)
check.register(app)
app.add_typer(db.app, name="db")
app.add_typer(welfare.app, name="welfare")
keyring.register(app)
app.add_typer(onboard, name="onboard")  # the committee secretariat's onboarding plans
app.add_typer(archive, name="archive")  # data officers' imported archives, anchored on chain
app.add_typer(plans, name="plans")  # procurement plans (RUP) from SIRUP
app.add_typer(sikap, name="sikap")  # supplier data from SIKaP
app.add_typer(catalogue, name="catalogue")  # e-Katalog snapshots, their roots published on chain


def run() -> None:
    app()


if __name__ == "__main__":
    run()
