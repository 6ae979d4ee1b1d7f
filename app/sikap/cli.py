"""`terang sikap`: the supplier data from SIKaP.

    import FILE                                   the extract (JSON or CSV, app/sikap/importing.py)
                                                  into TERANG_DATABASE_URL's database, NIBs kept only
                                                  as the gateway's keyed hashes (TERANG_IDENTITY_HMAC_KEY)
    blacklist-proposals --gateway URL --token T   the registered suppliers on the national blacklist;
        [--propose]                               with --propose, one blacklist proposal each with the
                                                  officer's own key. A second officer of the agency
                                                  confirms each (never this command).

Every message is one line; a mistake exits 1 (2 for a usage error), never with a traceback."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import typer

from app.plans.cli import fail, read_text, sessions_of_settings

app = typer.Typer(
    help="Supplier data from SIKaP: NIB, KBLI/SBU qualifications, national blacklist "
    "(docs/guides/plans-and-suppliers.en.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
Gateway = Annotated[str, typer.Option("--gateway", envvar="TERANG_URL", help="The gateway's base URL")]
Token = Annotated[
    str,
    typer.Option(
        "--token", envvar="TERANG_TOKEN", help="An agency officer's bearer token", show_default=False
    ),
]


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="The SIKaP extract (JSON array or CSV)", show_default=False)],
) -> None:
    """Import a SIKaP extract: each business it lists replaces what was known of it."""
    from app.sikap import importing, store

    text = read_text(file)
    settings, sessions, database_error = sessions_of_settings()
    key = settings.identity_hmac_key.get_secret_value().encode()
    try:
        businesses = importing.parse(text, key)
    except importing.ExtractError as exc:
        fail(f"{file}: {exc}")
    try:
        with sessions.begin() as session:
            counts = store.save(session, businesses)
    except database_error as exc:
        fail(f"database: {exc.__class__.__name__} (is it migrated? terang db upgrade)")
    typer.echo(
        f"diimpor/imported: {counts['businesses']} pelaku usaha/businesses, {counts['qualifications']} "
        f"kualifikasi/qualifications, {counts['blacklist']} daftar hitam/blacklist entries"
    )


def _request(method: str, url: str, **kwargs) -> dict:
    import httpx

    try:
        answer = httpx.request(method, url, timeout=60.0, **kwargs)
    except httpx.HTTPError as exc:
        fail(f"cannot reach the gateway at {url}: {exc.__class__.__name__}")
    try:
        body = answer.json()
    except ValueError:
        body = {}
    if answer.status_code >= 400:
        code = body.get("code", answer.status_code) if isinstance(body, dict) else answer.status_code
        detail = (body.get("detail") or body.get("title")) if isinstance(body, dict) else None
        fail(f"{code}: {detail or answer.reason_phrase}")
    return body


@app.command("blacklist-proposals")
def blacklist_proposals(
    gateway: Gateway,
    token: Token,
    propose: Annotated[
        bool, typer.Option("--propose", help="Propose each one not on chain yet (a second officer confirms)")
    ] = False,
) -> None:
    """List (and with --propose, propose) on-chain blacklists for national entries of registered suppliers."""
    base = gateway.rstrip("/")
    auth = {"Authorization": f"Bearer {token}"}
    found = _request("GET", f"{base}/sikap/blacklist-matches", headers=auth)["matches"]
    proposed = 0
    for match in found:
        line = f"penyedia/supplier {match['supplierId']}: {match['start']}..{match['end']}"
        if match["onChain"] or match["proposal"] is None:
            typer.echo(f"{line}: sudah di rantai/already on chain")
            continue
        if not propose:
            typer.echo(f"{line}: perlu diusulkan/to propose")
            continue
        answer = _request(
            "POST",
            f"{base}/suppliers/{match['supplierId']}/blacklist-proposals",
            json=match["proposal"],
            headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
        )
        proposed += 1
        typer.echo(
            f"{line}: diusulkan/proposed {answer['proposalId']}, konfirmasi oleh pejabat kedua sebelum/"
            f"a second officer confirms before {answer['confirmableUntil']}"
        )
    typer.echo(f"ok: {len(found)} cocok/matches, {proposed} diusulkan/proposed")


if __name__ == "__main__":
    app()
