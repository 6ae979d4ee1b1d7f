"""Configuration fails closed: the repository's public development values (every LOCAL_ONLY_* default,
the development token issuer) are accepted only with TERANG_ENVIRONMENT local or test AND a loopback
TERANG_HOST. Anywhere else each secret must be given explicitly and the JWKS and provider URLs must be
https; the gateway and the bridge refuse in one line on stderr, exit status 2, before anything binds
(the processes here are given an unreachable node, so nothing could bind even if a check were gone).
No test binds a non-loopback address: the refusals are checked before binding, the passing cases
through the validation function."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from app.config import (
    LOCAL_ONLY_DOCUMENTS_DIR,
    LOCAL_ONLY_HMAC_KEY,
    LOCAL_ONLY_PAYOUT_ACCOUNT_KEY,
    LOCAL_ONLY_PROVIDER_SECRET,
    ConfigurationError,
    Settings,
    check_deployment,
    development_values,
    is_loopback,
)
from app.main import create_app
from tests.support.localchain import ROOT

PUBLIC_VALUES = (LOCAL_ONLY_HMAC_KEY, LOCAL_ONLY_PAYOUT_ACCOUNT_KEY, LOCAL_ONLY_PROVIDER_SECRET)
EXPLICIT = {
    "identity_hmac_key": "an-operator-secret-identity-key-0123456789",
    "payout_account_key": "c2VjcmV0LXBheW91dC1rZXktMzItYnl0ZXMtbG9uZyE=",
    "xendit_secret_key": "xnd_production_secret",
    "xendit_callback_token": "callback-token-from-the-provider",
    "iris_creator_key": "iris-creator",
    "iris_approver_key": "iris-approver",
    "iris_merchant_key": "iris-merchant",
    "jwks_url": "https://sso.example.go.id/jwks",
    "jwt_issuer": "https://sso.example.go.id",
    "payments_provider_url": "https://api.provider.example",
    "keyring_file": ROOT / "var" / "provisioned-keyring.json",
    "documents_dir": ROOT / "var" / "shared-documents",
    "welfare_messenger_token": "messenger-token-from-the-provider",
    "public_base_url": "https://terang.example.go.id",
}
PUBLIC_HOST = "0.0.0.0"  # noqa: S104 (every interface; never bound here: refused before binding)
UNREACHABLE_NODE = "http://127.0.0.1:9"  # discard port: nothing answers


def explicit(**overrides) -> Settings:
    return Settings(**{**EXPLICIT, **overrides})


def test_explicit_settings_hold_no_development_value():
    # If this fails, a new development default was added to app/config.py: list its explicit value
    # in EXPLICIT (and the check names it, as test_each_development_value_alone_is_refused shows).
    assert development_values(explicit()) == []


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_hosts(host):
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", [PUBLIC_HOST, "::", "", "10.0.0.5", "gateway.example.go.id", "127.0.0.1.nip.io"]
)
def test_other_hosts_are_not_loopback(host):
    assert not is_loopback(host)


def test_local_on_a_public_host_refuses_every_development_secret_by_name_never_by_value():
    with pytest.raises(ConfigurationError) as refused:
        check_deployment(Settings(environment="local", host=PUBLIC_HOST))
    message = str(refused.value)
    assert "\n" not in message
    for name in ("TERANG_IDENTITY_HMAC_KEY", "TERANG_PAYOUT_ACCOUNT_KEY", "TERANG_XENDIT_CALLBACK_TOKEN"):
        assert name in message
    assert "TERANG_JWKS_URL" in message and "TERANG_JWT_ISSUER" in message  # the development issuer
    assert not any(value in message for value in PUBLIC_VALUES)


@pytest.mark.parametrize(
    "name, development",
    [
        ("identity_hmac_key", LOCAL_ONLY_HMAC_KEY),
        ("payout_account_key", LOCAL_ONLY_PAYOUT_ACCOUNT_KEY),
        ("xendit_secret_key", LOCAL_ONLY_PROVIDER_SECRET),
        ("xendit_callback_token", LOCAL_ONLY_PROVIDER_SECRET),
        ("identity_hmac_key", ""),  # an empty secret is no secret
        ("jwks_url", None),  # the development issuer's key file
        ("jwt_issuer", "https://dev-issuer.terang.local"),
        ("documents_dir", LOCAL_ONLY_DOCUMENTS_DIR),  # a folder no other gateway sees
    ],
)
@pytest.mark.parametrize(
    "where", [{"environment": "local", "host": PUBLIC_HOST}, {"environment": "production"}]
)
def test_each_development_value_alone_is_refused(name, development, where):
    if where["environment"] == "production":  # refused as the settings are read, for every process
        with pytest.raises(ValueError, match=f"TERANG_{name.upper()}"):
            explicit(**where, **{name: development})
    else:
        with pytest.raises(ConfigurationError, match=f"TERANG_{name.upper()}"):
            check_deployment(explicit(**where, **{name: development}))


def test_the_other_providers_secrets_are_not_required():
    # Xendit is configured: Iris's development credentials are not used, so not refused.
    settings = explicit(host=PUBLIC_HOST, iris_merchant_key=LOCAL_ONLY_PROVIDER_SECRET)
    assert check_deployment(settings) == []
    with pytest.raises(ConfigurationError, match="TERANG_IRIS_MERCHANT_KEY"):
        check_deployment(explicit(host=PUBLIC_HOST, payments_provider="iris", iris_merchant_key=""))


def test_explicit_secrets_pass_on_a_public_host():
    assert check_deployment(explicit(environment="local", host=PUBLIC_HOST)) == []
    assert check_deployment(explicit(environment="production", host=PUBLIC_HOST)) == []
    assert check_deployment(explicit(environment="production"), "bridge") == []


@pytest.mark.parametrize(
    "name",
    [
        "jwks_url",
        "payments_provider_url",
        "payee_notifier_url",
        "portal_oidc_authorize_url",
        "portal_oidc_token_url",
    ],
)
@pytest.mark.parametrize(
    "where", [{"environment": "local", "host": PUBLIC_HOST}, {"environment": "production"}]
)
def test_plain_http_urls_are_refused_outside_local_on_loopback(name, where):
    with pytest.raises(ConfigurationError, match=f"TERANG_{name.upper()} must be an https"):
        check_deployment(explicit(**where, **{name: "http://idp.example.go.id/x"}))


def test_production_refuses_a_payout_account_cooling_off_under_24_hours():
    with pytest.raises(ValueError, match="TERANG_PAYOUT_ACCOUNT_COOLING_OFF_SECONDS"):
        explicit(environment="production", payout_account_cooling_off_seconds=24 * 3600 - 1)
    assert explicit(environment="production", payout_account_cooling_off_seconds=24 * 3600)
    assert explicit(environment="production").payout_account_cooling_off_seconds == 72 * 3600
    assert explicit(environment="test", payout_account_cooling_off_seconds=0)  # tests may shorten it


def test_local_on_loopback_accepts_development_values_and_http_and_names_them():
    settings = Settings(environment="local", jwks_url="http://127.0.0.1:1/jwks")
    in_use = check_deployment(settings)
    assert "TERANG_IDENTITY_HMAC_KEY" in in_use and "TERANG_PAYOUT_ACCOUNT_KEY" in in_use
    assert check_deployment(Settings(environment="test", host="::1"))


def test_the_bridge_needs_its_own_secrets_only():
    settings = explicit(host=PUBLIC_HOST, identity_hmac_key=LOCAL_ONLY_HMAC_KEY, jwks_url=None)
    assert check_deployment(settings, "bridge") == []  # it hashes no identifiers, verifies no tokens
    with pytest.raises(ConfigurationError, match="TERANG_PAYOUT_ACCOUNT_KEY"):
        check_deployment(
            explicit(host=PUBLIC_HOST, payout_account_key=LOCAL_ONLY_PAYOUT_ACCOUNT_KEY), "bridge"
        )
    with pytest.raises(ConfigurationError, match="TERANG_PAYMENTS_PROVIDER_URL"):
        check_deployment(explicit(host=PUBLIC_HOST, payments_provider_url="http://p.example"), "bridge")


def test_the_app_warns_loudly_naming_the_development_values(caplog):
    with caplog.at_level(logging.WARNING, logger="terang.config"):
        create_app(Settings(environment="test"))
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("DEVELOPMENT VALUES IN USE" in line and "TERANG_IDENTITY_HMAC_KEY" in line for line in lines)
    assert not any(value in line for line in lines for value in PUBLIC_VALUES)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="terang.config"):
        create_app(explicit(environment="test"))
    assert not [r for r in caplog.records if "DEVELOPMENT" in r.getMessage()]


def test_the_app_itself_refuses_development_values_on_a_public_host():
    # uvicorn --factory would not pass through `python -m app`: create_app checks too
    with pytest.raises(ConfigurationError):
        create_app(Settings(environment="local", host=PUBLIC_HOST))


# --- the processes -------------------------------------------------------------------------------


def run(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TERANG_")}
    return subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env={**clean, "TERANG_RPC_URL": UNREACHABLE_NODE, "TERANG_RPC_TIMEOUT_SECONDS": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line_refusal(result: subprocess.CompletedProcess, *names: str) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback
    for name in names:
        assert name in lines[0]
    assert not any(value in result.stderr + result.stdout for value in PUBLIC_VALUES)
    return lines[0]


def test_the_gateway_refuses_development_secrets_on_a_public_host():
    result = run("app", TERANG_ENVIRONMENT="local", TERANG_HOST=PUBLIC_HOST)
    line = assert_one_line_refusal(result, "TERANG_IDENTITY_HMAC_KEY", "TERANG_PAYOUT_ACCOUNT_KEY")
    assert "loopback" in line


def test_the_gateway_refuses_development_secrets_in_production_on_loopback():
    result = run(
        "app",
        TERANG_ENVIRONMENT="production",
        TERANG_JWKS_URL="https://sso.example.go.id/jwks",
        TERANG_JWT_ISSUER="https://sso.example.go.id",
    )
    assert_one_line_refusal(result, "TERANG_IDENTITY_HMAC_KEY")


def test_the_gateway_refuses_a_plain_http_jwks_url_outside_local():
    secrets = {f"TERANG_{k.upper()}": str(v) for k, v in EXPLICIT.items()}
    result = run(
        "app", **{**secrets, "TERANG_ENVIRONMENT": "production", "TERANG_JWKS_URL": "http://idp/jwks"}
    )
    assert_one_line_refusal(result, "TERANG_JWKS_URL", "https")


def test_explicit_secrets_pass_the_check_and_go_on_to_the_node(tmp_path):
    # On a public host: past the configuration check (and the provisioned keyring's) the gateway dials
    # the (unreachable) node and stops there, before it binds anything.
    keyring = tmp_path / "keyring.json"
    made = subprocess.run(
        [sys.executable, "-m", "app.keyring", "init"],
        cwd=ROOT,
        env={**os.environ, "TERANG_KEYRING_FILE": str(keyring)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0 and keyring.exists(), made.stderr
    secrets = {f"TERANG_{k.upper()}": str(v) for k, v in {**EXPLICIT, "keyring_file": keyring}.items()}
    result = run("app", **secrets, TERANG_ENVIRONMENT="production", TERANG_HOST=PUBLIC_HOST)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot reach the chain at {UNREACHABLE_NODE}")


def test_the_bridge_refuses_its_development_secrets_on_a_public_host():
    result = run("app.payments.bridge", TERANG_ENVIRONMENT="local", TERANG_HOST=PUBLIC_HOST)
    line = assert_one_line_refusal(result, "TERANG_PAYOUT_ACCOUNT_KEY", "TERANG_XENDIT_SECRET_KEY")
    assert line.startswith("payment bridge:") and "TERANG_IDENTITY_HMAC_KEY" not in line


def test_the_indexer_reports_a_bad_setting_in_one_line():
    result = run("app.indexer", TERANG_ENVIRONMENT="production")
    line = assert_one_line_refusal(result, "TERANG_IDENTITY_HMAC_KEY")
    assert line.startswith("indexer:")


def test_a_malformed_setting_is_one_line_too():
    result = run("app", TERANG_PORT="not-a-port")
    assert_one_line_refusal(result, "TERANG_PORT")


def test_secret_values_never_reach_the_refusal():
    secrets = {f"TERANG_{k.upper()}": str(v) for k, v in EXPLICIT.items()}
    result = run("app", **{**secrets, "TERANG_HOST": PUBLIC_HOST, "TERANG_PAYMENTS_PROVIDER_URL": "http://p"})
    assert_one_line_refusal(result, "TERANG_PAYMENTS_PROVIDER_URL")
    assert not any(str(v) in result.stderr for k, v in EXPLICIT.items() if "key" in k or "token" in k)
