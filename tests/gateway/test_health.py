"""GET /health tells an operator whether the gateway reaches the chain it was deployed to."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.support.documented import documented
from tests.support.localchain import ROOT


def test_health_reports_chain_block_and_deployed_contracts(client, manifest_dir):
    body = documented(client.get("/health"))
    manifest = json.loads((manifest_dir / "31337.json").read_text())
    assert body["status"] == "ok"
    assert body["chainId"] == 31337
    assert body["blockNumber"] >= max(c["blockNumber"] for c in manifest["contracts"].values())
    assert {name: c["address"] for name, c in body["contracts"].items()} == {
        name: c["address"] for name, c in manifest["contracts"].items()
    }


def test_metrics_are_prometheus_text_as_documented(client, app):
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert "process_cpu_seconds_total" in answer.text
    content = app.openapi()["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["text/plain"]


def test_unknown_path_is_a_problem_document_in_the_requested_language(client):
    english = client.get("/nope", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english.status_code == 404
    assert english.headers["content-type"] == "application/problem+json"
    assert english.json()["code"] == "not_found" and english.json()["title"] == "No such resource."
    indonesian = client.get("/nope", headers={"Accept-Language": "id-ID"})
    assert indonesian.json()["title"] == "Sumber daya tidak ditemukan."


def serve(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gateway_refuses_a_chain_id_other_than_expected(chain_url, manifest_dir):
    result = serve(
        {"TERANG_RPC_URL": chain_url, "TERANG_MANIFEST_DIR": str(manifest_dir), "TERANG_CHAIN_ID": "7"}
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"error: the node at {chain_url} reports chain 31337, expected TERANG_CHAIN_ID=7"
    )


def test_gateway_refuses_a_manifest_for_another_chain(chain_url, manifest_dir, tmp_path):
    other = json.loads((manifest_dir / "31337.json").read_text())
    other["chainId"] = 5
    path = tmp_path / "5.json"
    path.write_text(json.dumps(other))
    result = serve({"TERANG_RPC_URL": chain_url, "TERANG_MANIFEST": str(path)})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is for chain 5 but the node reports chain 31337" in result.stderr


def test_gateway_without_a_deployment_says_to_deploy(chain_url, tmp_path):
    result = serve({"TERANG_RPC_URL": chain_url, "TERANG_MANIFEST_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.startswith("error: no deployment manifest at ")
    assert "deploy first" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_gateway_without_a_node_says_how_to_fix_it(tmp_path):
    result = serve({"TERANG_RPC_URL": "http://127.0.0.1:9"})
    assert result.returncode == 2
    assert result.stderr.strip().endswith("start a node or set TERANG_RPC_URL")
