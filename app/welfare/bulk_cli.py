"""What the welfare bulk commands share (registry_import, registry_exits, bulk_disburse): reading a
file with the registry's detached signature, a gateway client with a progress bar on stderr (stdout
keeps the one summary line), and the one-line message when the gateway cannot be reached."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from app.welfare.registry_import import ExtractError, verify


def read_signed(path: Path, signature: Path | None, registry_key: Path) -> bytes:
    """The file's bytes, once the registry's signature over them verifies (default `<file>.sig`)."""
    signature = signature or path.with_name(path.name + ".sig")
    try:
        data, signed, key = (p.read_bytes() for p in (path, signature, registry_key))
    except OSError as exc:
        raise ExtractError(f"cannot read {exc.filename}: {exc.strerror}") from None
    verify(data, signed, key)
    return data


@contextlib.contextmanager
def gateway_with_progress(gateway: str, label: str, total: int) -> Iterator[tuple[httpx.Client, Callable]]:
    """(client, advance(n)) while a transient progress bar counts `total` on stderr."""
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(transient=True, console=Console(stderr=True))
    with httpx.Client(base_url=gateway, timeout=300) as client, bar:
        task = bar.add_task(label, total=total)
        yield client, lambda n: bar.advance(task, n)


def unreachable(path: Path, gateway: str, exc: httpx.HTTPError) -> str:
    return (
        f"{path}: the gateway at {gateway} cannot be reached ({type(exc).__name__}); "
        "rerun the same command to continue"
    )
