"""Running a users' guide the way its reader runs it: every ```sh block of the guide, in order, in
one bash with `set -euo pipefail`, from the repository's root, with only the environment the guide
documents. Each block reports on stderr when it finished, so a failure names its block."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.support.localchain import ROOT

GUIDES = ROOT / "docs" / "guides"
BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M)
FENCE = re.compile(r"^```", re.M)
DONE = re.compile(r"^@@guide-block (\d+) ok$", re.M)


def sh_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text())


def every_fence_is_sh(path: Path) -> bool:
    """No command hides in a fence the test would not run (```bash, ``` alone)."""
    text = path.read_text()
    return len(FENCE.findall(text)) == 2 * len(BLOCK.findall(text))


def run_guide(
    path: Path, environment: dict[str, str], folder: Path, epilogue: str = "", timeout: float = 120
) -> subprocess.CompletedProcess:
    """Runs every sh block of `path` (then `epilogue`) in one bash with `environment` added to a bare
    PATH, HOME, LANG and TMPDIR (`folder`); fails the test naming the first block that did not finish."""
    blocks = sh_blocks(path)
    lines = ["set -euo pipefail"]
    for number, block in enumerate(blocks, start=1):
        lines += [block.rstrip("\n"), f"echo '@@guide-block {number} ok' >&2"]
    if epilogue:
        lines.append(epilogue)
    script = folder / "guide.sh"
    script.write_text("\n".join(lines) + "\n")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "TMPDIR": str(folder),
        "PYTHONDONTWRITEBYTECODE": "1",
        **environment,
    }
    ran = subprocess.run(
        ["bash", str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    done = [int(n) for n in DONE.findall(ran.stderr)]
    if ran.returncode != 0 or len(done) != len(blocks):
        failed = len(done) + 1
        first = blocks[failed - 1].strip().splitlines()[0] if failed <= len(blocks) else "(after the last)"
        pytest.fail(
            f"block {failed} of {len(blocks)} of {path.name} exited {ran.returncode}: {first}\n"
            f"--- stderr (end) ---\n{ran.stderr[-3000:]}\n--- stdout (end) ---\n{ran.stdout[-2000:]}"
        )
    return ran
