"""Bodies over the limit are refused before they are read (app/api/limits.py), against a real
gateway process: a 200 MB unauthenticated POST, with a Content-Length and chunked, gets its 413
problem in under a second and the gateway's memory hardly moves; provider callbacks have a smaller
limit; the largest legitimate request passes."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.gateway_process import gateway_process

HUGE = 200 * 1024 * 1024
CHUNK = 1024 * 1024
SMALL_LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def gateway(chain_url, manifest_dir, signers_file, issuer_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    env = {
        "TERANG_RPC_URL": chain_url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_DATABASE_URL": f"sqlite:///{folder / 'gateway.db'}",
        "TERANG_SIGNERS_FILE": str(signers_file),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_ENVIRONMENT": "test",
        "TERANG_INDEXER_ENABLED": "false",
    }
    with gateway_process(env, folder / "gateway.log") as (base, process):
        yield base, process.pid


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def send_huge(base: str, path: str, *, chunked: bool) -> tuple[int, dict, float]:
    """POSTs a 200 MB body as fast as the socket takes it, while reading the answer; returns the
    status, the problem and the seconds until the answer's first line arrived."""
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=30)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {HUGE}"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
    )
    block = b"x" * CHUNK
    piece = f"{CHUNK:x}\r\n".encode() + block + b"\r\n" if chunked else block

    def pump() -> None:
        try:
            sock.sendall(head.encode())
            for _ in range(HUGE // CHUNK):
                sock.sendall(piece)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:  # the gateway answered and closed the connection: what is wanted
            pass

    started = time.monotonic()
    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    answer = b""
    first_line_at = None
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
            if first_line_at is None and b"\r\n" in answer:
                first_line_at = time.monotonic() - started
            head_end = answer.find(b"\r\n\r\n")
            if head_end >= 0:
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in answer[:head_end].split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                if len(answer) >= head_end + 4 + length:
                    break
    except OSError:
        pass
    finally:
        sock.close()
        sender.join(timeout=30)
    head_part, _, body = answer.partition(b"\r\n\r\n")
    status = int(head_part.split(b" ", 2)[1])
    assert b"application/problem+json" in head_part.lower(), head_part
    return status, json.loads(body), first_line_at


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_200_mb_unauthenticated_body_is_refused_at_once_without_reading_it(gateway, chunked):
    base, pid = gateway
    before = rss_mib(pid)
    status, problem, seconds = send_huge(base, "/suppliers", chunked=chunked)
    time.sleep(0.5)  # whatever the gateway still buffered would show now
    grown = rss_mib(pid) - before
    print(
        f"{'chunked' if chunked else 'content-length'}: {status} after {seconds:.3f} s, RSS +{grown:.1f} MiB"
    )
    assert (status, problem["code"], problem["status"]) == (413, "body_too_large", 413)
    assert problem["title"] and str(1024 * 1024) in problem["detail"]
    assert seconds < 1.0
    assert grown < 50
    assert httpx.get(base + "/health", timeout=10).status_code == 200  # and it still serves


def test_a_provider_callback_has_the_small_limit(gateway):
    base, _ = gateway
    big = b'{"data": "' + b"x" * (SMALL_LIMIT + 1) + b'"}'
    declared = httpx.post(base + "/payments/callbacks/xendit", content=big, timeout=10)
    streamed = httpx.post(
        base + "/payments/callbacks/xendit", content=iter([big[:1000], big[1000:]]), timeout=10
    )
    for answer in (declared, streamed):
        assert answer.status_code == 413, answer.text
        assert answer.json()["code"] == "body_too_large" and str(SMALL_LIMIT) in answer.json()["detail"]
    # under the limit the callback is read and judged on its credentials
    assert httpx.post(base + "/payments/callbacks/xendit", content=b"{}", timeout=10).status_code == 401


def test_the_largest_legitimate_request_is_under_the_limit(gateway):
    """500 enrolments with the longest values, pretty-printed (about 115 KB): read whole, then
    refused for want of a token (401), not for its size."""
    base, _ = gateway
    applicants = [{"nik": "6" * 24, "decile": 10, "region": 9999, "components": [255] * 8}] * 500
    body = json.dumps({"applicants": applicants}, indent=2).encode()
    assert 100_000 < len(body) < 1024 * 1024
    answer = httpx.post(
        base + "/welfare/programmes/1/enrolments",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 401, answer.text
    streamed = httpx.post(
        base + "/welfare/programmes/1/enrolments",
        content=iter([body[: len(body) // 2], body[len(body) // 2 :]]),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert streamed.status_code == 401, streamed.text


def test_the_limit_is_configurable(monkeypatch):
    from app.config import Settings

    monkeypatch.setenv("TERANG_MAX_BODY_BYTES", "2048")
    assert Settings().max_body_bytes == 2048
    assert os.environ["TERANG_MAX_BODY_BYTES"] == "2048"
