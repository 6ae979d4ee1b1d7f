"""A node that stops answering under a running gateway: writes and reads are answered 503
`chain_unavailable` (retry later), never a 500, and a write's Idempotency-Key is not left behind."""

from __future__ import annotations

import contextlib
import time
import uuid

import httpx

from app.config import Settings
from app.ledger.reads import STALE_AFTER_POLLS
from tests.gateway.test_api_resilience import registration
from tests.support.gateway_process import gateway_process
from tests.support.localchain import anvil, deploy_local
from toolchain.dev_signers import write_signers

READ_POLL_SECONDS = Settings.model_fields["read_cache_poll_seconds"].default


def test_writes_and_reads_are_503_while_the_node_is_down(issuer_dir, token, tmp_path):
    with contextlib.ExitStack() as node:  # closed by the test to stop the node; again on the way out
        url = node.enter_context(anvil())
        assert deploy_local(url, tmp_path / "deployments").returncode == 0
        env = {
            "TERANG_RPC_URL": url,
            "TERANG_CHAIN_ID": "31337",
            "TERANG_MANIFEST_DIR": str(tmp_path / "deployments"),
            "TERANG_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
            "TERANG_SIGNERS_FILE": str(write_signers(url, tmp_path / "signers")),
            "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
            "TERANG_ENVIRONMENT": "test",
        }
        with gateway_process(env, tmp_path / "gateway.log") as (base, _):
            before = httpx.get(base + "/suppliers/1", timeout=30)
            assert before.status_code in (200, 404), before.text  # the node answers
            node.close()  # the node goes away
            headers = {**token("AGENCY_OFFICER", agency=1001), "Idempotency-Key": str(uuid.uuid4())}
            body = registration()
            write = httpx.post(base + "/suppliers", json=body, headers=headers, timeout=60)
            # Reads keep answering at the last block until the follower misses STALE_AFTER_POLLS polls
            # (app/ledger/reads.py: about a second); past that they go to the node, which is gone.
            time.sleep(STALE_AFTER_POLLS * READ_POLL_SECONDS + 1)
            read = httpx.get(base + "/suppliers/2", timeout=60)
            # the key was released: the retry runs again (503 again) instead of waiting (409)
            again = httpx.post(base + "/suppliers", json=body, headers=headers, timeout=60)
    for response in (write, read, again):
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "chain_unavailable"
        assert "127.0.0.1" not in response.text  # the node's URL is not echoed
