"""The OpenAPI document is good enough to build a client from: openapi-python-client (PyPI) generates
a Python client from the gateway's served /openapi.json, and that client drives a real gateway
process — a write with its Idempotency-Key, reads parsed into typed models, and problems parsed into
the Problem model — with no hand-written HTTP."""

from __future__ import annotations

import importlib
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from eth_account import Account

from tests.support.gateway_process import gateway_process

NPWP = "012345678901000"
# JSON Lines (GET /ocds/releases.jsonl) is text to the generator, which knows no application/x-ndjson.
CONFIG = (
    "project_name_override: terang-client\npackage_name_override: terang_client\npost_hooks: []\n"
    "content_type_overrides:\n  application/x-ndjson: text/plain\n"
)


@pytest.fixture(scope="module")
def gateway_url(chain_url, manifest_dir, signers_file, issuer_dir, tmp_path_factory):
    env = {
        "TERANG_RPC_URL": chain_url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'gateway.db'}",
        "TERANG_SIGNERS_FILE": str(signers_file),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_ENVIRONMENT": "test",
        "TERANG_INDEXER_ENABLED": "false",
    }
    with gateway_process(env, tmp_path_factory.mktemp("logs") / "gateway.log") as (base, _process):
        yield base


@pytest.fixture(scope="module")
def terang_client(gateway_url, tmp_path_factory):
    """The generated package, imported from a folder of its own."""
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_text(httpx.get(f"{gateway_url}/openapi.json").text)
    (folder / "config.yaml").write_text(CONFIG)
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(
        [str(generator), "generate", "--path", "openapi.json", "--config", "config.yaml"]
        + ["--meta", "none", "--output-path", "terang_client"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("terang_client")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == "terang_client" or m.startswith("terang_client.")]:
            del sys.modules[name]


def _module(package, dotted: str):
    return importlib.import_module(f"{package.__name__}.{dotted}")


def test_a_generated_client_registers_a_supplier_and_reads_it_back(terang_client, gateway_url, token):
    models = _module(terang_client, "models")
    register = _module(terang_client, "api.suppliers.register_supplier")
    get_supplier = _module(terang_client, "api.suppliers.get_supplier")
    officer = token("AGENCY_OFFICER", agency=1001)["Authorization"].removeprefix("Bearer ")
    client = terang_client.AuthenticatedClient(base_url=gateway_url, token=officer, timeout=httpx.Timeout(60))
    account = Account.create().address
    body = models.SupplierRegistration(
        account=account, nib=f"91201{uuid.uuid4().int % 10**8:08d}", npwp=NPWP, region_code=6302, umkm=True
    )

    created = register.sync_detailed(client=client, body=body, idempotency_key=str(uuid.uuid4()))
    assert created.status_code == 201, created.content
    registered = created.parsed
    assert isinstance(registered, models.SupplierRegistered)
    assert registered.agency_id == 1001 and registered.transaction_hash.startswith("0x")

    public = terang_client.Client(base_url=gateway_url)
    supplier = get_supplier.sync(client=public, supplier_id=registered.supplier_id)
    assert supplier is not None and not isinstance(supplier, models.Problem)
    assert (supplier.account, supplier.umkm, supplier.region_code) == (account, True, 6302)


def test_a_generated_client_reads_refusals_as_problems(terang_client, gateway_url):
    models = _module(terang_client, "models")
    register = _module(terang_client, "api.suppliers.register_supplier")
    get_supplier = _module(terang_client, "api.suppliers.get_supplier")
    anonymous = terang_client.Client(base_url=gateway_url)
    body = models.SupplierRegistration(
        account=Account.create().address, nib="9120000000001", npwp=NPWP, region_code=6302
    )

    unauthenticated = register.sync(client=anonymous, body=body, idempotency_key=str(uuid.uuid4()))
    assert isinstance(unauthenticated, models.Problem) and unauthenticated.code == "unauthenticated"

    missing = get_supplier.sync(client=anonymous, supplier_id=10**9)
    assert isinstance(missing, models.Problem) and missing.status == 404
