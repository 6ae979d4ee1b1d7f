"""`terang onboard`: the committee secretariat's commands for an onboarding plan.

    check PLAN                                   validate offline; list the committee acts it becomes
    propose PLAN --gateway URL --token TOKEN     propose it (a member official's token, its own key)
    status ID [--plan PLAN] --gateway URL        where it stands; with --plan, check the file is the
                                                 plan the proposal carries (same SHA-256)

Every message is one line; a mistake exits 1 (2 for a usage error), never with a traceback.
Also runnable as `python -m app.onboarding.cli`."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import httpx
import typer

from app.onboarding.plan import PlanError, parse, sha256_of

app = typer.Typer(
    help="Onboard agencies, their officials and regions through the committee "
    "(docs/guides/onboarding.en.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PlanFile = Annotated[Path, typer.Argument(help="The plan (YAML)", show_default=False)]
Gateway = Annotated[str, typer.Option("--gateway", envvar="TERANG_URL", help="The gateway's base URL")]
Token = Annotated[
    str,
    typer.Option(
        "--token", envvar="TERANG_TOKEN", help="A member official's bearer token", show_default=False
    ),
]
TIMEOUT = 60.0


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc.__class__.__name__}")
    raise AssertionError  # unreachable


def _plan(path: Path):
    try:
        return parse(_read(path))
    except PlanError as exc:
        fail(f"{path}: {exc}")


def _request(method: str, url: str, **kwargs) -> dict:
    try:
        answer = httpx.request(method, url, timeout=TIMEOUT, **kwargs)
    except httpx.HTTPError as exc:
        fail(f"cannot reach the gateway at {url}: {exc.__class__.__name__}")
    try:
        body = answer.json()
    except ValueError:
        body = {}
    if answer.status_code >= 400:
        code = body.get("code", answer.status_code) if isinstance(body, dict) else answer.status_code
        detail = body.get("detail") or body.get("title") if isinstance(body, dict) else None
        fail(f"{code}: {detail or answer.reason_phrase}")
    return body


@app.command()
def check(plan: PlanFile) -> None:
    """Validate a plan offline and list the committee acts it becomes (nothing is sent)."""
    parsed = _plan(plan)
    calls = 0
    for agency in parsed.agencies:
        typer.echo(
            f"registerAgency {agency.id} {agency.name!r} ({agency.kind}, region {agency.region or '-'})"
        )
        calls += 1
        for official in agency.officials:
            typer.echo(
                f"  assignOfficer {official.address} -> {agency.id}; grantRole {', '.join(official.roles)}"
            )
            calls += 1 + len(official.roles)
            for scope in official.scopes:
                regions = ", ".join(scope.regions)
                typer.echo(f"  (welfare admin, after execution) scope programme {scope.programme}: {regions}")
    officials = sum(len(a.officials) for a in parsed.agencies)
    typer.echo(
        f"ok: phase {parsed.document.phase}, {len(parsed.agencies)} agencies, {officials} officials, "
        f"{calls} committee calls, sha256 {parsed.sha256}"
    )


@app.command()
def propose(plan: PlanFile, gateway: Gateway, token: Token) -> None:
    """Propose a plan as one committee act (checked again by the gateway and the chain)."""
    parsed = _plan(plan)
    body = _request(
        "POST",
        f"{gateway.rstrip('/')}/onboarding/plans",
        json={"plan": parsed.text},
        # the gateway refuses the same plan again while it is pending (plan_pending)
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    typer.echo(
        f"proposed: plan {body['planId']} (committee proposal {body['proposalId']}), phase {body['phase']}, "
        f"{len(body['calls'])} calls, sha256 {body['planSha256']}; next: another member agency approves"
    )


@app.command()
def status(
    plan_id: Annotated[int, typer.Argument(help="The plan's id (its committee proposal's id)", min=1)],
    gateway: Gateway,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="Check this file is the plan the proposal carries")
    ] = None,
) -> None:
    """Where a plan stands, read from the chain through the gateway."""
    expected = sha256_of(_read(plan)) if plan is not None else None
    body = _request("GET", f"{gateway.rstrip('/')}/onboarding/plans/{plan_id}")
    if expected is not None and expected != body["planSha256"]:
        fail(
            f"{plan} (sha256 {expected}) is not the plan of proposal {plan_id} "
            f"(sha256 {body['planSha256']}): altered after it was proposed"
        )
    if not body["planIntact"]:
        fail(f"the gateway's copy of plan {plan_id} no longer hashes to the proposal's {body['planSha256']}")
    registered = sum(1 for a in body["agencies"] if a["registered"])
    officials = [o for a in body["agencies"] for o in a["officials"]]
    ready = sum(1 for o in officials if o["assigned"] and all(o["roles"].values()))
    when = {
        "scheduled": f", executable from {body['executableAtWib']}",
        "executed": f" at {body['executedAtWib']}",
    }
    typer.echo(
        f"plan {plan_id} ({body['phase']}): {body['stage']}{when.get(body['stage'], '')}; approvals "
        f"{len(body['approvingAgencies'])}/{body['threshold']}; agencies registered {registered}/"
        f"{len(body['agencies'])}; officials ready {ready}/{len(officials)}; enroller scopes set "
        f"{body['scopesSet']}/{body['scopesPlanned']}; sha256 {body['planSha256']}"
    )


if __name__ == "__main__":
    app()
