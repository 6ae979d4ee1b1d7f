"""`terang_build_info{version,commit,chain_id} 1`: which release runs, on which chain.

The version is the installed package's, else pyproject.toml's (a checkout); the commit is
TERANG_BUILD_COMMIT (set by the release's build), else `git rev-parse HEAD` in a checkout; either is
"unknown" rather than an error. Both are found once per process."""

from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN = "unknown"


@functools.cache
def version() -> str:
    try:
        return metadata.version("terang")
    except metadata.PackageNotFoundError:
        pass
    try:
        text = (ROOT / "pyproject.toml").read_text()
    except OSError:
        return UNKNOWN
    found = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return found.group(1) if found else UNKNOWN


@functools.cache
def commit() -> str:
    given = os.environ.get("TERANG_BUILD_COMMIT", "").strip()
    if given:
        return given[:64]
    if not (ROOT / ".git").exists():
        return UNKNOWN
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    head = done.stdout.strip()
    return head if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{7,64}", head) else UNKNOWN


class BuildInfoCollector(Collector):
    def __init__(self, chain_id: int | None) -> None:
        self.chain_id = chain_id

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily(
            "terang_build_info", "The running release (always 1)", labels=("version", "commit", "chain_id")
        )
        info.add_metric((version(), commit(), str(self.chain_id) if self.chain_id is not None else ""), 1)
        yield info
