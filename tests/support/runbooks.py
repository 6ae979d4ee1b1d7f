"""Running an incident runbook as a drill: every ```bash block of docs/runbooks/<name>.en.md, in
order, in one bash with `set -euo pipefail`, from the repository's root, with only the environment
the runbook documents; each block reports on stderr when it finished, so a failure names its block.
The Indonesian runbook must carry the very same blocks (`same_blocks`)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from tests.support.guides import DONE, every_fence_is, fenced_blocks, run_blocks
from tests.support.localchain import ROOT

RUNBOOKS = ROOT / "docs" / "runbooks"


def bash_blocks(path: Path) -> list[str]:
    return fenced_blocks(path, "bash")


def every_fence_is_bash(path: Path) -> bool:
    """No command hides in a fence the drill would not run (```sh, ``` alone)."""
    return every_fence_is(path, "bash")


def same_blocks(name: str) -> None:
    """The Indonesian runbook (first) and the English one carry the same commands, block by block."""
    english, indonesian = bash_blocks(RUNBOOKS / f"{name}.en.md"), bash_blocks(RUNBOOKS / f"{name}.id.md")
    assert english, f"{name}.en.md has no bash block"
    for number, (en, id_) in enumerate(zip(english, indonesian, strict=True), start=1):
        assert id_ == en, f"block {number} differs between {name}.id.md and {name}.en.md"
    for path in (RUNBOOKS / f"{name}.en.md", RUNBOOKS / f"{name}.id.md"):
        assert every_fence_is_bash(path), f"{path.name}: a fence that is not ```bash"


def finished(ran: subprocess.CompletedProcess) -> dict[int, float]:
    """When each block of a run finished: block number -> epoch seconds."""
    return {int(n): float(at) for n, at in DONE.findall(ran.stderr)}


def listed_in_index(name: str) -> None:
    """docs/runbooks/README.md links both languages of the runbook."""
    index = (RUNBOOKS / "README.md").read_text()
    assert f"({name}.id.md)" in index and f"({name}.en.md)" in index, f"{name} is not in the index"


def run_runbook(
    path: Path,
    environment: dict[str, str],
    folder: Path,
    prologue: str = "",
    epilogue: str = "",
    timeout: float = 300,
    only: list[int] | None = None,
) -> subprocess.CompletedProcess:
    """Runs `prologue`, every bash block of `path` (or the blocks numbered `only`, from 1: a section
    of the runbook with its "before you start" block, for a drill that stages each incident in
    turn), then `epilogue`, in one bash with `environment` added to a bare PATH, HOME, LANG and
    TMPDIR (`folder`), with tests/support/guides.py's runner: a failure names its block, and each block
    writes `@@block <number> ok <epoch seconds>` on stderr when it finished (`finished`)."""
    blocks = [
        (number, block)
        for number, block in enumerate(bash_blocks(path), start=1)
        if only is None or number in only
    ]
    began = time.monotonic()
    ran = run_blocks(path, blocks, environment, folder, prologue, epilogue, timeout)
    print(f"\n{path.name}: blocks {[n for n, _ in blocks]} in {time.monotonic() - began:.1f} s")
    return ran
