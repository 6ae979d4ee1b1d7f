"""Calls the portal's browser modules (app/portal/static/js) from Python: one Node process runs a
list of calls through tests/support/portal_js.mjs, resolving imports with the import map the pages
send (app/portal/importmap.py), so the vendored files are the ones exercised, never node_modules."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import dataclass, field

from app.portal import importmap
from tests.support.localchain import ROOT

STATIC_DIR = ROOT / "app" / "portal" / "static"
DRIVER = ROOT / "tests" / "support" / "portal_js.mjs"


def node_missing() -> str | None:
    """Why the modules cannot run here, or None when they can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (STATIC_DIR / "vendor" / "noble-curves" / "secp256k1.js").exists():
        return "the portal's vendored noble-curves is missing (make vendor)"
    return None


@dataclass(frozen=True)
class Call:
    """`module`.`fn`(*args) in the browser library; `repeat` > 0 also times each of that many runs."""

    module: str
    fn: str
    args: list = field(default_factory=list)
    repeat: int = 0


def run(calls: list[Call], timeout: float = 300, scripted_random: list[str] = ()) -> list[dict]:
    """Each call's result in order: {"ok": value} or {"error": {"name", "code", "message"}}, and
    "ms" (per run) for a repeated call. `scripted_random` (hex) is what crypto.getRandomValues
    returns first, each value for the first request of its length."""
    request = {
        "scriptedRandom": list(scripted_random),
        "imports": importmap.IMPORTS,
        "staticUrl": importmap.STATIC_URL,
        "staticDir": str(STATIC_DIR),
        "calls": [{"module": c.module, "fn": c.fn, "args": c.args, "repeat": c.repeat} for c in calls],
    }
    result = subprocess.run(
        ["node", str(DRIVER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def ok(result: dict):
    """The value of a call that must have succeeded."""
    assert "error" not in result, result["error"]
    return result["ok"]


def refused(result: dict) -> dict:
    """The error of a call that must have been refused."""
    assert "error" in result, f"expected a refusal, got {result.get('ok')!r}"
    return result["error"]


SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def random_key(rng: random.Random) -> str:
    """A valid private key drawn from `rng`, as 0x hex."""
    return "0x" + rng.randrange(1, SECP256K1_N).to_bytes(32, "big").hex()


def random_hex32(rng: random.Random) -> str:
    return "0x" + rng.randbytes(32).hex()
