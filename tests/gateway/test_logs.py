"""The logs reach the operator as JSON lines (app/logs.py): a real `python -m app` writes one JSON
object per line, uvicorn's lines included; every request has an id (the caller's X-Request-ID when
it is a sane token, else a new one), answered in the X-Request-ID header and carried by every line
written while it is handled, down to the transaction it sent. The indexer, the payment bridge and
the reconciliation command, each as its own process, log the same way. (The whole pilot's gateway
log is scanned for secrets and personal data in tests/toolchain/test_pilot.py.)"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import logs
from app.api.problems import install_problem_handlers
from app.api.request_id import RequestIdMiddleware
from tests.gateway.test_api_resilience import registration
from tests.support.gateway_process import gateway_process
from tests.support.localchain import ROOT

NEW_ID = re.compile(r"[0-9a-f]{32}")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def parse(text: str) -> list[dict]:
    """Every line of `text` as a JSON object (fails on the first line that is not one)."""
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        entry = json.loads(line)
        assert isinstance(entry, dict), f"line {number} is not an object: {line}"
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def env(chain_url, manifest_dir, issuer_dir, signers_file, tmp_path_factory):
    database = tmp_path_factory.mktemp("logs-db") / "gateway.db"
    return {
        "TERANG_RPC_URL": chain_url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_DATABASE_URL": f"sqlite:///{database}",
        "TERANG_SIGNERS_FILE": str(signers_file),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_ENVIRONMENT": "test",
    }


@pytest.fixture(scope="module")
def served(env, token, tmp_path_factory):
    """A gateway process asked a few things; its answers and, once it stopped, its log lines."""
    log = tmp_path_factory.mktemp("logs") / "gateway.log"
    officer = token("AGENCY_OFFICER", agency=1001)
    body = registration()
    answers: dict[str, httpx.Response] = {}
    with gateway_process(env, log) as (base, _), httpx.Client(base_url=base, timeout=60) as api:
        answers["honoured"] = api.get("/health", headers={"X-Request-ID": "ops-check.42_a-b"})
        answers["spaces"] = api.get("/health", headers={"X-Request-ID": "not a token"})
        answers["long"] = api.get("/health", headers={"X-Request-ID": "a" * 129})
        answers["longest"] = api.get("/health", headers={"X-Request-ID": "b" * 128})
        answers["none"] = api.get("/health")
        answers["problem"] = api.get("/no-such-page", headers={"X-Request-ID": "lost-1"})
        answers["write"] = api.post(
            "/suppliers",
            json=body,
            headers={**officer, "Idempotency-Key": str(uuid.uuid4()), "X-Request-ID": "write-1"},
        )
    text = log.read_text()
    return answers, parse(text), text, body, officer


def lines_of(entries: list[dict], request_id: str) -> list[dict]:
    return [e for e in entries if e.get("request_id") == request_id]


def test_every_line_is_a_json_object_with_time_level_logger_and_message(served):
    _, entries, *_ = served
    assert len(entries) > 10
    for entry in entries:
        assert TIME.fullmatch(entry["time"]), entry
        assert entry["level"] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        assert entry["logger"] and isinstance(entry["message"], str)
    # uvicorn's own lines go through the same formatter
    assert any(e["logger"] == "uvicorn.error" and "Uvicorn running" in e["message"] for e in entries)


def test_an_incoming_request_id_is_answered_and_carried_by_the_access_line(served):
    answers, entries, *_ = served
    assert answers["honoured"].status_code == 200
    assert answers["honoured"].headers["X-Request-ID"] == "ops-check.42_a-b"
    assert answers["longest"].headers["X-Request-ID"] == "b" * 128
    (access,) = [e for e in lines_of(entries, "ops-check.42_a-b") if e["logger"] == "uvicorn.access"]
    assert (access["method"], access["path"], access["status"]) == ("GET", "/health", 200)


def test_a_malformed_or_missing_request_id_is_replaced_by_a_new_one(served):
    answers, entries, *_ = served
    given = {answers[name].headers["X-Request-ID"] for name in ("spaces", "long", "none")}
    assert len(given) == 3 and all(NEW_ID.fullmatch(value) for value in given)
    for value in given:  # the new id is the one the request's lines carry
        assert [e["logger"] for e in lines_of(entries, value)] == ["uvicorn.access"]
    text = served[2]
    assert "not a token" not in text and "a" * 129 not in text


def test_a_problem_answer_carries_the_request_id_once(served):
    answers, entries, *_ = served
    problem = answers["problem"]
    assert problem.status_code == 404
    assert problem.headers["content-type"].startswith("application/problem+json")
    assert problem.headers.get_list("X-Request-ID") == ["lost-1"]
    assert [e["status"] for e in lines_of(entries, "lost-1") if e["logger"] == "uvicorn.access"] == [404]


def test_a_write_logs_its_transaction_with_the_request_id(served):
    answers, entries, text, body, officer = served
    write = answers["write"]
    assert write.status_code in (200, 201), write.text
    assert write.headers["X-Request-ID"] == "write-1"
    mine = lines_of(entries, "write-1")
    (sent,) = [e for e in mine if e["message"] == "transaction sent"]
    assert sent["logger"] == "terang.txmanager" and sent["level"] == "INFO"
    assert sent["tx_hash"] == write.json()["transactionHash"]
    assert isinstance(sent["nonce"], int) and sent["sender"].startswith("0x")
    assert [e["status"] for e in mine if e["logger"] == "uvicorn.access"] == [write.status_code]
    # what the request carried in is not in the log: the bearer token, the NIB and NPWP
    bearer = officer["Authorization"].removeprefix("Bearer ")
    for secret in (bearer, body["nib"], body["npwp"]):
        assert secret not in text


def test_a_500_answer_and_its_error_line_carry_the_request_id():
    """The server error handler answers outside the middleware: the problem still carries the id,
    and so does the line with the traceback."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, sys.excepthook, threading.excepthook)
    logs.configure("INFO", stream)
    try:
        app = FastAPI()
        install_problem_handlers(app)
        app.add_middleware(RequestIdMiddleware)

        @app.get("/boom")
        def boom():
            logging.getLogger("terang.test").info("about to fail", extra={"step": 1})
            raise RuntimeError("boom")

        with TestClient(app, raise_server_exceptions=False) as client:
            answer = client.get("/boom", headers={"X-Request-ID": "boom-7"})
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        sys.excepthook, threading.excepthook = saved[2], saved[3]
        logging.captureWarnings(False)
    assert answer.status_code == 500 and answer.json()["code"] == "internal_error"
    assert answer.headers.get_list("X-Request-ID") == ["boom-7"]
    entries = lines_of(parse(stream.getvalue()), "boom-7")
    assert {"message": "about to fail", "step": 1}.items() <= entries[0].items()  # from the worker thread
    (error,) = [e for e in entries if e["logger"] == "terang.gateway"]
    assert error["level"] == "ERROR" and "RuntimeError: boom" in error["exception"]


def _until_line(process: subprocess.Popen, wanted, timeout: float = 60) -> list[dict]:
    """Reads the process's stderr (JSON lines) until a line satisfies `wanted`."""
    deadline, seen = time.monotonic() + timeout, []
    for line in process.stderr:
        seen.append(json.loads(line))
        if wanted(seen[-1]) or time.monotonic() > deadline:
            break
    return seen


def _run(module: str, env: dict, wanted) -> list[dict]:
    process = subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        seen = _until_line(process, wanted)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
    return seen + parse(rest)


def test_the_indexer_bridge_and_reconciliation_processes_log_json_lines(env, tmp_path):
    env = {**env, "TERANG_DATABASE_URL": f"sqlite:///{tmp_path / 'workers.db'}"}
    indexer = _run("app.indexer", env, lambda e: e["message"].startswith("indexing "))
    assert any(e["logger"] == "terang.indexer" and e["level"] == "INFO" for e in indexer)
    bridge = _run("app.payments.bridge", env, lambda e: e["message"].startswith("payment bridge: provider"))
    (started,) = [e for e in bridge if e["message"].startswith("payment bridge: provider")]
    assert started["logger"] == "terang.payments" and "XenditProvider(http://127.0.0.1:" in started["message"]
    # the reconciliation command: its report on stdout, its log lines (here: no treasury key) on stderr
    missing = {**env, "TERANG_SIGNERS_FILE": str(tmp_path / "no-signers.yaml")}
    result = subprocess.run(
        [sys.executable, "-m", "app.payments.reconcile", "--json"],
        cwd=ROOT,
        env={**os.environ, **missing},
        capture_output=True,
        text=True,
        timeout=120,
    )
    # the report is JSON on stdout (how many instructions depends on what earlier tests paid on this chain)
    assert isinstance(json.loads(result.stdout)["instructions"], int)
    (warning,) = parse(result.stderr)
    assert warning["logger"] == "terang.payments" and warning["level"] == "WARNING"
    assert warning["message"].startswith("payment bridge cannot record outcomes")
