"""The operations drills run on the gateway tests' system: a real local chain with the suite deployed
by scripts/deploy.py (deploy/local.yaml), the development token issuer and the development
accounts' keystores (tests/gateway/conftest.py)."""

from tests.gateway.conftest import (  # noqa: F401
    app,
    chain_url,
    client,
    dev_config,
    issuer_dir,
    manifest_dir,
    settings,
    signers_file,
    token,
)
