"""`terang catalogue import FILE`: LKPP's catalogue publisher imports an e-Katalog snapshot through a
running gateway, which publishes its Merkle root on chain with the publisher's own key.

    TERANG_TOKEN=<a CATALOGUE_PUBLISHER's token> terang catalogue import katalog.json [--gateway URL]

FILE is JSON: {"products": [{"code", "supplierId", "unitPrice", "tkdnBps", "category", "name"}, ...]}
(integer rupiah, basis points; category goods, construction, consultancy or other_services). The
request's Idempotency-Key is the file's keccak-256, so running it again after a lost answer never
publishes the same snapshot twice. The gateway then replays the first answer: if another catalogue
has been published since, the file is NOT in force again, and the command says so and exits 1
instead of reporting a publication (e.g. LKPP re-importing an earlier price list to undo a wrong
one); `--again` publishes it anew (its key then also names the catalogue in force). Every message is
one line, Bahasa Indonesia then English; a mistake exits 1, never with a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="e-Katalog snapshots (docs/guides/e-katalog.en.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The snapshot (JSON: {products: [...]})")],
    gateway: Annotated[
        str,
        typer.Option("--gateway", help="The gateway's URL (default: TERANG_URL or http://127.0.0.1:8000)"),
    ] = "",
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Publish a file published before anew (another catalogue is in force since)",
        ),
    ] = False,
) -> None:
    """Import a snapshot and publish its root (LKPP's catalogue publisher)."""
    import httpx
    from eth_utils import keccak

    token = os.environ.get("TERANG_TOKEN", "")
    if not token:
        fail("TERANG_TOKEN belum diisi (token penerbit katalog) / TERANG_TOKEN is not set")
    try:
        raw = file.read_bytes()
        snapshot = json.loads(raw)
    except OSError as exc:
        fail(f"berkas tidak dapat dibaca / cannot read {file}: {exc.strerror}")
    except ValueError:
        fail(f"berkas bukan JSON / {file} is not JSON")
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("products"), list):
        fail('berkas harus berisi {"products": [...]} / the file must hold {"products": [...]}')
    url = (gateway or os.environ.get("TERANG_URL", "http://127.0.0.1:8000")).rstrip("/")
    auth = {"Authorization": f"Bearer {token}"}
    key = "0x" + keccak(raw).hex()
    try:
        if again:
            key += f"-after-{in_force(httpx, url, auth)}"
        answer = httpx.post(
            f"{url}/catalogue/snapshots", json=snapshot, headers={**auth, "Idempotency-Key": key}, timeout=120
        )
        replayed = answer.status_code == 201 and answer.headers.get("Idempotent-Replayed") == "true"
        current = in_force(httpx, url, auth) if replayed else None
    except httpx.HTTPError as exc:
        fail(f"gateway tidak dapat dihubungi / cannot reach the gateway at {url}: {exc.__class__.__name__}")
    try:
        body = answer.json()
    except ValueError:
        body = {}
    if answer.status_code != 201:
        detail = body.get("detail") or body.get("title") or answer.reason_phrase
        fail(f"ditolak / refused ({answer.status_code} {body.get('code', 'http_error')}): {detail}")
    if replayed and current != body["catalogueId"]:
        fail(
            f"berkas ini sudah terbit sebagai katalog {body['catalogueId']}, tetapi yang berlaku katalog "
            f"{current}; terbitkan ulang dengan --again / this file was published as catalogue "
            f"{body['catalogueId']} but catalogue {current} is in force: publish it anew with --again"
        )
    typer.echo(
        f"katalog {body['catalogueId']} terbit / catalogue {body['catalogueId']} published: "
        f"{body['products']} produk/products, root {body['root']}, tx {body['transactionHash']}"
    )


def in_force(httpx, url: str, auth: dict) -> int | None:
    """The catalogue in force, as the gateway lists it (None before the first)."""
    answer = httpx.get(f"{url}/catalogue/products", params={"limit": 1}, headers=auth, timeout=30)
    try:
        return answer.json()["catalogueId"]
    except (ValueError, KeyError, TypeError):
        fail(f"daftar katalog tidak terbaca / cannot read the catalogue in force ({answer.status_code})")
