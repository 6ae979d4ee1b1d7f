"""`make run` as a new user runs it: a chain, the deployed suite, the gateway's /health."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.support.localchain import ROOT
from toolchain.run_local import free_port


def run_local(*args: str, **popen) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "toolchain.run_local", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        **popen,
    )


@pytest.mark.parametrize("chain", ["anvil", "ganache"])
def test_check_mode_starts_deploys_serves_health_and_stops(chain, tmp_path):
    port = free_port()
    result = run_local(
        "--check", "--chain", chain, "--gateway-port", str(port), "--manifest-dir", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "chain id 31337" in result.stdout
    for name in ("AccessHub", "AgencyDirectory", "SupplierRegistry"):
        assert name in result.stdout
    manifest = json.loads((tmp_path / "31337.json").read_text())
    assert manifest["contracts"]["AccessHub"]["address"] in result.stdout
    # everything it started is stopped: the gateway port is free again
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_ctrl_c_stops_chain_and_gateway(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "toolchain.run_local",
            "--no-pilot",
            "--gateway-port",
            str(port),
            "--manifest-dir",
            str(tmp_path),
            "--state-dir",
            str(tmp_path / "state"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline and health is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                    health = json.loads(response.read())
            except OSError:
                time.sleep(0.5)
        assert health and health["status"] == "ok" and health["chainId"] == 31337
        # the printed development tokens work: an officer's authenticated write reaches the key check
        token = json.loads((tmp_path / "state" / "dev-tokens.json").read_text())["agency-officer-1001"]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/suppliers",
            data=b"{}",
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=5)  # noqa: S310 (loopback)
        except urllib.error.HTTPError as refused:
            assert refused.code == 422  # authenticated and authorised; the empty body is invalid
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Stopping" in out
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_gateway_port_in_use_is_a_one_line_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_local("--check", "--gateway-port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: port {port} is already in use; stop what listens there or set GATEWAY_PORT=<free port>"
    )


def test_unknown_chain_is_a_one_line_error():
    result = run_local("--chain", "geth")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: unknown chain 'geth'; use CHAIN=anvil or CHAIN=ganache"
