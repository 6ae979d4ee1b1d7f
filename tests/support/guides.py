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
FENCE = re.compile(r"^```", re.M)
# Each block, once it finished, says so on stderr with the epoch second (tests/support/runbooks.py
# reads the times).
DONE = re.compile(r"^@@block (\d+) ok (\d+)$", re.M)


def fenced_blocks(path: Path, language: str = "sh") -> list[str]:
    """The ```<language> blocks of a Markdown document, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", path.read_text(), re.S | re.M)


def every_fence_is(path: Path, language: str) -> bool:
    """No command hides in a fence the test would not run (another language, ``` alone)."""
    return len(FENCE.findall(path.read_text())) == 2 * len(fenced_blocks(path, language))


def sh_blocks(path: Path) -> list[str]:
    return fenced_blocks(path, "sh")


def every_fence_is_sh(path: Path) -> bool:
    return every_fence_is(path, "sh")


def same_commands(english: Path, indonesian: Path) -> list[str]:
    """The English guide's sh blocks, once the Indonesian one is found to carry the very same
    commands, block by block (an assertion names the first block that differs)."""
    english_blocks, indonesian_blocks = sh_blocks(english), sh_blocks(indonesian)
    for number, (en, id_) in enumerate(zip(english_blocks, indonesian_blocks, strict=True), start=1):
        assert id_ == en, f"block {number} differs between the guides"
    return english_blocks


def run_blocks(
    path: Path,
    blocks: list[tuple[int, str]],
    environment: dict[str, str],
    folder: Path,
    prologue: str = "",
    epilogue: str = "",
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    """Runs `prologue`, the numbered `blocks` of `path`, then `epilogue`, in one bash with
    `set -euo pipefail` and `environment` added to a bare PATH, HOME, LANG and TMPDIR (`folder`), from
    the repository's root; fails the test naming the first block that did not finish."""
    lines = ["set -euo pipefail", *([prologue] if prologue else [])]
    for number, block in blocks:
        lines += [block.rstrip("\n"), f'echo "@@block {number} ok $(date +%s)" >&2']
    if epilogue:
        lines.append(epilogue)
    script = folder / f"{path.stem}.sh"
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
    done = DONE.findall(ran.stderr)
    if ran.returncode != 0 or len(done) != len(blocks):
        number, first = blocks[len(done)] if len(done) < len(blocks) else ("-", "(after the last)")
        pytest.fail(
            f"block {number} of {len(blocks)} of {path.name} exited {ran.returncode}: "
            f"{first.strip().splitlines()[0]}\n"
            f"--- stderr (end) ---\n{ran.stderr[-3000:]}\n--- stdout (end) ---\n{ran.stdout[-3000:]}"
        )
    return ran


def run_guide(
    path: Path, environment: dict[str, str], folder: Path, epilogue: str = "", timeout: float = 120
) -> subprocess.CompletedProcess:
    """Runs every sh block of `path` (then `epilogue`) as its reader would (run_blocks)."""
    blocks = list(enumerate(sh_blocks(path), start=1))
    return run_blocks(path, blocks, environment, folder, epilogue=epilogue, timeout=timeout)
