"""Gateway tests run against a real local chain with the suite deployed by scripts/deploy.py, a real
SQLite database, the development token issuer and keystores of the chain's development accounts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.auth import devissuer
from app.config import Settings
from app.main import create_app
from tests.support.localchain import anvil, deploy_local
from toolchain.deploy_config import load_deploy_config
from toolchain.dev_signers import ROOT, dev_official, write_signers
from toolchain.jsonrpc import rpc


@pytest.fixture(scope="session")
def chain_url():
    with anvil() as url:
        yield url


@pytest.fixture(scope="session")
def manifest_dir(chain_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("deployments")
    result = deploy_local(chain_url, folder)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return folder


@pytest.fixture(scope="session")
def issuer_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dev-issuer")
    devissuer.ensure_keys(folder)
    return folder


@pytest.fixture(scope="session")
def signers_file(chain_url, tmp_path_factory):
    return write_signers(chain_url, tmp_path_factory.mktemp("signers"))


@pytest.fixture(scope="session")
def settings(chain_url, manifest_dir, issuer_dir, signers_file, tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "gateway.db"
    return Settings(
        rpc_url=chain_url,
        manifest_dir=manifest_dir,
        chain_id=31337,
        environment="test",
        database_url=f"sqlite:///{database}",
        jwt_public_key_file=issuer_dir / "public.pem",
        signers_file=signers_file,
        keyring_file=tmp_path_factory.mktemp("keyring") / "keyring.json",  # made on first use
        documents_dir=tmp_path_factory.mktemp("documents"),
        # The stories change the chain directly too (tender_scenario, time travel) and read through
        # the API at once: no block-scoped read cache here; tests/gateway/test_block_reads.py has it.
        read_cache_poll_seconds=0,
        # The stories read many pages as one anonymous client; the limits have their own tests
        # (tests/gateway/test_rate_limits.py).
        rate_limit_per_second=0,
        # The stories read the red flags as of the indexer's cursor (app/explorer/redflags.py).
        redflag_cross_seconds=0,
        # The welfare story drives the families' notices round by round (tests/gateway/test_api_welfare.py).
        welfare_notices_enabled=False,
    )


@pytest.fixture(scope="session")
def dev_config(chain_url):
    """deploy/local.yaml with the chain's development accounts."""
    return load_deploy_config(ROOT / "deploy" / "local.yaml", rpc(chain_url, "eth_accounts"))


@pytest.fixture(scope="session")
def token(issuer_dir, dev_config):
    """token(role, agency=None, supplier=None, sub=None, officer=None) -> a bearer header for that
    principal. `officer`: the official's own account its token names; by default the official of
    deploy/local.yaml for the role and agency (toolchain.dev_signers.dev_official, e.g. sub
    `pejabat-2` the second); `officer=False`: a token naming no official."""

    def make(
        *roles: str,
        agency: int | None = None,
        supplier: int | None = None,
        sub: str | None = None,
        officer: str | bool | None = None,
    ) -> dict:
        if officer is None and len(roles) == 1:
            officer = dev_official(dev_config, roles[0], agency, sub)
        value = devissuer.issue(
            sub or "-".join(r.lower() for r in roles) or "supplier",
            list(roles),
            agency,
            supplier,
            folder=issuer_dir,
            officer=officer or None,
        )
        return {"Authorization": f"Bearer {value}"}

    return make


@pytest.fixture(scope="session")
def app(settings):
    return create_app(settings)


@pytest.fixture()
def client(app):
    with TestClient(app) as test_client:
        yield test_client
