"""The system `make run --no-pilot` starts (a local chain, the deployed suite, the gateway with its
payment bridge and the fake provider, development keystores and tokens), as a subprocess for the
tests that use it the way a reader of the README or of the guides does."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.localchain import ROOT
from toolchain.run_local import free_port


@dataclass(frozen=True)
class LocalSystem:
    gateway_url: str
    chain_url: str
    folder: Path  # deployments/ (the manifest) and state/ (tokens, issuer, gateway.log, gateway.db)

    @property
    def state(self) -> Path:
        return self.folder / "state"

    @property
    def manifest(self) -> Path:
        return self.folder / "deployments" / "31337.json"


@contextlib.contextmanager
def local_system(
    folder: Path, nodes: int = 0, port: int | None = None, env: dict[str, str] | None = None
) -> Iterator[LocalSystem]:
    """`python -m toolchain.run_local --no-pilot` on a free port (or `port`); stopped with Ctrl-C
    (SIGINT). `nodes`: that many node endpoints in front of the chain (state/nodes.json); `env`: more
    settings for the gateway."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "toolchain.run_local",
            "--no-pilot",
            "--gateway-port",
            str(port),
            "--manifest-dir",
            str(folder / "deployments"),
            "--state-dir",
            str(folder / "state"),
            *(["--nodes", str(nodes)] if nodes else []),
        ],
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        chain_url, deadline, printed = None, time.monotonic() + 180, []
        for line in process.stdout:
            printed.append(line)
            found = re.search(r"chain\s+(http://127\.0\.0\.1:\d+)", line)
            chain_url = chain_url or (found and found.group(1))
            if "Press Ctrl-C" in line or time.monotonic() > deadline:
                break
        assert chain_url, "make run printed no chain URL:\n" + "".join(printed)
        yield LocalSystem(f"http://127.0.0.1:{port}", chain_url, folder)
    finally:
        # Ctrl-C, then `kill` (run_local stops its chain, gateway and provider on either); never a
        # SIGKILL first, which would leave them running in their own sessions.
        for stop, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 15)):
            process.send_signal(stop)
            try:
                process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            process.kill()
