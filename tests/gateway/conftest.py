"""Gateway tests run against a real local chain with the suite deployed by scripts/deploy.py."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.support.localchain import anvil, deploy_local


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
def settings(chain_url, manifest_dir):
    return Settings(rpc_url=chain_url, manifest_dir=manifest_dir, chain_id=31337, environment="test")


@pytest.fixture()
def client(settings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client
