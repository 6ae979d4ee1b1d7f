"""Property test of the whole API from its OpenAPI document (schemathesis + hypothesis): requests
generated from each operation's schema — valid and invalid bodies, path and query values — sent to
a real gateway process on its own chain, with a token admitting every role. Whatever the input, the
gateway never answers 5xx, every refusal is an RFC 9457 problem with a stable code, and every answer
is one the document declares: its status, its content type and its body's schema (a write's answer is
built by the write path, so this is where its documented shape is checked)."""

from __future__ import annotations

import uuid

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from app.config import Settings
from app.main import create_app
from app.protocol.roles import ROLES
from tests.support.gateway_process import gateway_process
from tests.support.localchain import anvil, deploy_local
from toolchain.dev_signers import write_signers

EXAMPLES_PER_OPERATION = 12


@pytest.fixture(scope="module")
def gateway_url(issuer_dir, tmp_path_factory):
    """A chain of its own: the generated writes that are valid really happen."""
    with anvil() as url:
        manifest_dir = tmp_path_factory.mktemp("deployments")
        assert deploy_local(url, manifest_dir).returncode == 0
        env = {
            "TERANG_RPC_URL": url,
            "TERANG_CHAIN_ID": "31337",
            "TERANG_MANIFEST_DIR": str(manifest_dir),
            "TERANG_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'gateway.db'}",
            "TERANG_SIGNERS_FILE": str(write_signers(url, tmp_path_factory.mktemp("signers"))),
            "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
            "TERANG_ENVIRONMENT": "test",
            "TERANG_DOCUMENTS_DIR": str(tmp_path_factory.mktemp("documents")),
        }
        log = tmp_path_factory.mktemp("logs") / "gateway.log"
        with gateway_process(env, log) as (base, _process):
            yield base


def _operations() -> dict:
    """The operations of the gateway's OpenAPI document, built from the app without serving it."""
    document = create_app(Settings(environment="test")).openapi()
    loaded = schemathesis.openapi.from_dict(document)
    return {op.label: op for op in (result.ok() for result in loaded.get_all_operations())}


OPERATIONS = _operations()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_generated_request_makes_the_gateway_fail(label, mode, gateway_url, token):
    operation = OPERATIONS[label]
    auth = token(*ROLES, agency=1001, sub="fuzzer")

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,  # the same examples on every run: a failure is reproducible
        database=None,
    )
    @given(operation.as_strategy(generation_mode=mode))
    def check(case):
        headers = {**auth, "Idempotency-Key": str(uuid.uuid4())}
        response = case.call(base_url=gateway_url, headers=headers, timeout=60)
        where = f"{case.method} {case.formatted_path} {case.body!r:.200}"
        assert response.status_code < 500, f"{where}: {response.text[:500]}"
        if response.status_code >= 400:
            content_type = response.headers.get("content-type") or [""]
            content_type = content_type[0] if isinstance(content_type, list) else content_type
            assert content_type.startswith("application/problem+json"), where
            body = response.json()
            assert body["code"] and body["status"] == response.status_code, where
        case.validate_response(
            response, checks=[status_code_conformance, content_type_conformance, response_schema_conformance]
        )

    try:
        check()
    except Unsatisfiable:
        pytest.skip(f"{label} has nothing to make invalid")


def test_the_schema_lists_every_resource(gateway_url):
    """Guards the property test: an empty or partial schema would make it pass vacuously; and the
    served document is the one the test generated from."""
    paths = httpx.get(f"{gateway_url}/openapi.json").json()["paths"]
    assert {label.split(" ", 1)[1] for label in OPERATIONS} == set(paths)
    for prefix in ("/suppliers", "/tkdn", "/tenders", "/escrows", "/welfare", "/instructions", "/payments"):
        assert any(path.startswith(prefix) for path in paths), prefix
