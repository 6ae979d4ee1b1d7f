"""Gateway settings, from the environment (prefix TERANG_) with safe local defaults."""

from __future__ import annotations

import ipaddress
import logging
import sys
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
# Where var/ and deployments/ are found by default: beside app/ in a checkout; from an installed wheel
# (app/ in site-packages, no pyproject.toml beside it) the current working directory (decision 0035).
HOME = ROOT if (ROOT / "pyproject.toml").is_file() else Path.cwd()
# Development default only; production refuses to start with it (see the validator below).
LOCAL_ONLY_HMAC_KEY = "terang-local-development-key-not-secret"
# Development defaults of the payment bridge's secrets (the fake provider knows them too).
LOCAL_ONLY_PROVIDER_SECRET = "terang-local-provider-secret-not-secret"  # noqa: S105 (refused in production)
LOCAL_ONLY_MESSENGER_TOKEN = "terang-local-messenger-token-not-secret"  # noqa: S105 (refused in production)
LOCAL_ONLY_PAYOUT_ACCOUNT_KEY = "dGVyYW5nLWxvY2FsLXBheW91dC1hY2NvdW50LWtleSE="  # base64 of 32 bytes
# Development keyring file (app/keyring): made with fresh keys on first use where development values
# are allowed; elsewhere TERANG_KEYRING_FILE must name a provisioned one (`python -m app.keyring init`).
LOCAL_ONLY_KEYRING_FILE = HOME / "var" / "keyring.json"
LOCAL_ONLY_DOCUMENTS_DIR = HOME / "var" / "documents"
# The development token issuer (app/auth/devissuer.py): its issuer name and key pair are public.
DEV_ISSUER = "https://dev-issuer.terang.local"
MIN_COOLING_OFF = 24 * 3600  # production's least cooling-off of a payout account change
PROVIDER_SECRETS = {
    "xendit": ("xendit_secret_key", "xendit_callback_token"),
    "iris": ("iris_creator_key", "iris_approver_key", "iris_merchant_key"),
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TERANG_", env_file=None, extra="ignore")

    environment: Literal["local", "test", "production"] = "local"
    rpc_url: str = "http://127.0.0.1:8545"
    # The consortium's nodes, "name=url" pairs separated by commas (lkpp=http://10.0.1.5:8545,...); when
    # set, rpc_url is not used. Calls go to a healthy node and fail over (app/ledger/nodes.py).
    rpc_nodes: str = ""
    # A node further behind the best node's head than this is not sent calls; every node is asked
    # for its head this often.
    node_max_lag_blocks: int = Field(default=5, ge=0)
    node_probe_seconds: float = Field(default=2.0, ge=0)
    # The consortium's Prometheus (deploy/prometheus/), whose firing alerts the command centre shows.
    prometheus_url: str | None = None
    # When set, the gateway refuses a node that reports another chain id.
    chain_id: int | None = None
    # Default: deployments/<chain id reported by the node>.json
    manifest: Path | None = None
    manifest_dir: Path = HOME / "deployments"
    rpc_timeout_seconds: float = Field(default=10.0, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    default_language: Literal["id", "en"] = "id"
    # Lines below this level are dropped (app/logs.py: JSON lines on stderr).
    log_level: str = Field(default="INFO", pattern=r"(?i)^(debug|info|warning|error|critical)$")
    # SQLite by default (one process); PostgreSQL (postgresql+psycopg://...) for several replicas.
    database_url: str = f"sqlite:///{HOME / 'var' / 'terang.db'}"
    # Transactions: how many blocks on top of a receipt before it counts, and how long to wait.
    confirmations: int = Field(default=1, ge=1)
    receipt_timeout_seconds: float = Field(default=120.0, gt=0)
    # Writes run on their own threads, at most this many at once (each holds its slot until its
    # receipt, up to the receipt timeout); one more is refused at once with 503 writes_busy.
    write_capacity: int = Field(default=64, ge=1, le=1024)
    # A tender announcement must fit its imported procurement plan (RUP: app/plans/checks.py); off only
    # in local or test (a development value refused elsewhere, like the development keys).
    plan_check_enabled: bool = True
    # Supplier registration and bids checked against the imported SIKaP extract (app/sikap/checks.py):
    # unset, on everywhere but local and test (whose stories register suppliers with made-up NIBs);
    # false is a development value, refused elsewhere.
    sikap_check_enabled: bool | None = None
    # Indexer: runs inside the gateway unless disabled (then `python -m app.indexer` runs it).
    indexer_enabled: bool = True
    indexer_poll_seconds: float = Field(default=2.0, gt=0)
    # Contract reads are answered once per block; the head is polled this often (0: no caching).
    read_cache_poll_seconds: float = Field(default=0.25, ge=0)
    # Public pages built from the indexer's database (explorer, OCDS packages; app/explorer/cached_pages.py)
    # kept finished in each process's memory as of the indexed position, at most this many entries and
    # bytes (least recently used go first); either 0 turns the cache off.
    page_cache_entries: int = Field(default=4096, ge=0, le=1_000_000)
    page_cache_bytes: int = Field(default=128 * 1024 * 1024, ge=0, le=16 * 1024**3)
    # A larger body is served but never kept (a page of /ocds/releases is about 1.4 MiB per 100 ocids).
    page_cache_entry_bytes: int = Field(default=512 * 1024, ge=0, le=16 * 1024**3)
    # GET and HEAD requests inside the routes at once; the others queue in arrival order
    # (app/api/read_admission.py). 0: no gate.
    read_slots: int = Field(default=4, ge=0, le=1024)
    indexer_batch_blocks: int = Field(default=100, ge=1)  # first eth_getLogs range; then adaptive
    # Red flags comparing processes (fences, windows, pairs) run over every process at most this
    # often while processes keep changing; process-local flags follow each batch (app/explorer/redflags.py).
    redflag_cross_seconds: float = Field(default=30.0, ge=0)
    # Bearer tokens: an OIDC provider's JWKS URL, or (local/test) the development issuer's key.
    jwt_issuer: str = "https://dev-issuer.terang.local"
    jwt_audience: str = "terang-gateway"
    jwks_url: str | None = None
    jwt_public_key_file: Path | None = HOME / "var" / "dev-issuer" / "public.pem"
    # JWKS keys are forgotten after this long, so a key the provider removed stops verifying; an
    # unknown `kid` fetches again at most once per jwks_refetch_seconds (none while a fetch failed).
    jwks_cache_seconds: float = Field(default=300.0, gt=0, le=86400)
    jwks_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    jwks_refetch_seconds: float = Field(default=30.0, ge=0, le=3600)
    # Signing accounts (encrypted keystores) per agency / role / relayer; see app/ledger/signers.py.
    signers_file: Path = HOME / "var" / "signers.yaml"
    # HMAC key for business and personal identifiers (NIB, NPWP, NIK) before they reach the chain.
    identity_hmac_key: SecretStr = SecretStr(LOCAL_ONLY_HMAC_KEY)
    # How long a duplicate request waits for the first one to finish before answering 409.
    idempotency_wait_seconds: float = Field(default=15.0, ge=0)
    # Payment bridge (app/payments): runs inside the gateway when enabled, else
    # `python -m app.payments.bridge`. The provider is Xendit-like or Iris-like at provider_url.
    payments_bridge_enabled: bool = False
    payments_provider: Literal["xendit", "iris"] = "xendit"
    payments_provider_url: str = "http://127.0.0.1:8710"
    payments_provider_timeout_seconds: float = Field(default=10.0, gt=0)
    payments_poll_seconds: float = Field(default=0.5, gt=0)
    # Ask the provider about a payout that has had no callback for this long.
    payments_status_check_seconds: float = Field(default=30.0, gt=0)
    payments_workers: int = Field(default=16, ge=1, le=128)  # concurrent provider requests
    # How long the provider is known to remember an idempotency key. A payout whose create call went
    # unanswered is created again under its key only within this time when the provider cannot be
    # searched by reference; past it (default: at once) the row is parked for the treasury.
    payments_provider_key_memory_seconds: float = Field(default=0.0, ge=0)
    # Completed idempotency records and mined or reverted transactions older than this are purged
    # (app/ledger/retention.py); pending keys and unconfirmed transactions never are.
    retention_days: int = Field(default=90, ge=1)
    retention_interval_seconds: float = Field(default=3600.0, gt=0)  # the gateway's periodic purge
    xendit_secret_key: SecretStr = SecretStr(LOCAL_ONLY_PROVIDER_SECRET)
    xendit_callback_token: SecretStr = SecretStr(LOCAL_ONLY_PROVIDER_SECRET)
    iris_creator_key: SecretStr = SecretStr(LOCAL_ONLY_PROVIDER_SECRET)
    iris_approver_key: SecretStr = SecretStr(LOCAL_ONLY_PROVIDER_SECRET)
    iris_merchant_key: SecretStr = SecretStr(LOCAL_ONLY_PROVIDER_SECRET)
    # AES-256-GCM key (base64 of 32 bytes) for payout account details at rest.
    payout_account_key: SecretStr = SecretStr(LOCAL_ONLY_PAYOUT_ACCOUNT_KEY)
    # Payout account changes (app/payments/accounts.py): an approved change of a payee's account
    # takes effect only after this cooling-off, so that the payee's notice and a second look come
    # first. 72 h by default; production refuses less than 24 h. A payee's first account has none.
    payout_account_cooling_off_seconds: int = Field(default=72 * 3600, ge=0)
    # Where the notices to payees about their accounts go (a service that reaches the payee; https
    # outside local and test). Unset: notices are recorded, not sent; in production the gateway then
    # refuses every account act (payee_notifier_unconfigured): no change a payee is not told of.
    payee_notifier_url: str | None = None
    payee_notifier_timeout_seconds: float = Field(default=5.0, gt=0)
    # Notices to families (app/welfare/notices.py) through an SMS/WhatsApp provider's message API
    # (app/welfare/messenger.py; https outside local and test). Unset: notices are recorded and wait,
    # listed for caseworkers (GET /welfare/notices); none is sent. A notice the provider does not take
    # is retried after `retry` seconds, doubling up to an hour, `max_attempts` times in all.
    welfare_messenger_url: str | None = None
    welfare_messenger_token: SecretStr = SecretStr(LOCAL_ONLY_MESSENGER_TOKEN)
    welfare_messenger_timeout_seconds: float = Field(default=5.0, gt=0)
    welfare_notices_enabled: bool = True
    welfare_notices_poll_seconds: float = Field(default=2.0, gt=0)
    welfare_notice_max_attempts: int = Field(default=8, ge=1, le=100)
    welfare_notice_retry_seconds: float = Field(default=10.0, gt=0)
    # A notice whose family has no number yet waits this long for the enrolment to keep one.
    welfare_notice_contact_grace_seconds: float = Field(default=60.0, ge=0)
    # The public address families reach the gateway at: notices link to its status and complaint pages.
    public_base_url: str = "http://127.0.0.1:8000"
    # Grievances (app/welfare/grievances.py): days a ticket has to be resolved in, from its receipt.
    grievance_days: int = Field(default=14, ge=1, le=90)  # the chain refuses a term beyond 90 days
    # Secrets at rest (payout accounts, managed supplier keys, bid openings): key-encryption keys per
    # purpose and key id (app/keyring). Values sealed before the keyring open under the key above.
    keyring_provider: Literal["file"] = "file"
    keyring_file: Path = LOCAL_ONLY_KEYRING_FILE
    # Public reads (GET/HEAD without a valid token: explorer, OCDS, API reads) per client address:
    # a token bucket of this many requests per second, up to the burst at once, in each gateway
    # process (app/api/ratelimit.py); over it, 429 rate_limited with Retry-After. 0 turns it off.
    rate_limit_per_second: float = Field(default=10.0, ge=0, le=100_000)
    rate_limit_burst: int = Field(default=40, ge=1, le=1_000_000)
    # The families' status check (app/welfare/status_check.py), per client address: this many checks
    # a minute after a burst of so many (a village office's kiosk behind one address needs more);
    # and tries per NIK, whoever asks, then one every ten minutes.
    status_checks_per_minute: float = Field(default=10.0, gt=0, le=100_000)
    status_checks_burst: int = Field(default=5, ge=1, le=100_000)
    status_check_tries_per_nik: int = Field(default=5, ge=1, le=1_000)
    # Reverse proxies (addresses or networks) whose X-Forwarded-For names the client; none by default,
    # so the connection's peer is the client and no header can choose another bucket.
    rate_limit_trusted_proxies: list[str] = Field(default_factory=list)
    # Request bodies (app/api/limits.py), refused with 413 before they are read whole. The largest
    # legitimate request (500 enrolments, pretty-printed) is about 115 KB; provider callbacks are small.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_callback_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # Tender documents, addenda and evidence (app/documents): the store's directory (in production
    # one every gateway shares, named explicitly) and the largest file an upload may carry.
    documents_dir: Path = LOCAL_ONLY_DOCUMENTS_DIR
    documents_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    # The supplier portal's sign-in (app/portal/signin.py): the OIDC provider's authorization and
    # token endpoints and this gateway's client there; the tokens it returns are verified as every
    # bearer token is (issuer, audience, keys above). Unset where development values are allowed: the
    # development sign-in this gateway serves itself (app/auth/devlogin.py). Unset elsewhere: the
    # portal refuses sign-in (portal_sign_in_unconfigured).
    portal_oidc_authorize_url: str | None = None
    portal_oidc_token_url: str | None = None
    portal_oidc_client_id: str = "terang-portal"
    portal_oidc_client_secret: SecretStr | None = None
    portal_oidc_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # OCDS publication (app/ocds): every ocid starts with "<ocid_prefix>-" (the prefix registered
    # with the Open Contracting Partnership; the gateway refuses to announce any other). The
    # packages' `license` and `publicationPolicy` (a path is served by this gateway: made absolute
    # beside the package), and the publisher's organization identifier when registered.
    ocid_prefix: str = Field(default="ocds-terang", pattern=r"^ocds-[a-z0-9]{6}$")
    ocds_license: str = "https://creativecommons.org/licenses/by/4.0/"
    ocds_publication_policy: str = "/ocds/publication-policy"
    ocds_publisher_name: str = "Terang (ledger of Indonesian public procurement)"
    ocds_publisher_scheme: str | None = None  # an org-id.guide list code, e.g. ID-KMH
    ocds_publisher_uid: str | None = None

    @model_validator(mode="after")
    def _no_development_secrets_in_production(self) -> Settings:
        # Any process, in production: the per-process checks (check_deployment) add the host and URLs.
        in_use = development_values(self, "gateway") if self.environment == "production" else []
        if in_use:
            raise ConfigurationError(_refusal(in_use))
        if self.environment == "production" and self.payout_account_cooling_off_seconds < MIN_COOLING_OFF:
            raise ConfigurationError(
                "TERANG_PAYOUT_ACCOUNT_COOLING_OFF_SECONDS: at least 86400 (24 h) in production, so a "
                "payee hears of a change of its account before a payment goes there"
            )
        return self


# --- fail-closed configuration ---------------------------------------------------------------------
# Development values (every LOCAL_ONLY_* above, the development token issuer) are public: they are
# allowed only with TERANG_ENVIRONMENT local or test AND a loopback TERANG_HOST. Anywhere else each
# secret a process uses must be given explicitly and its outbound URLs must be https.

PROCESSES = ("gateway", "bridge", "indexer")
# Settings a process does not use: the bridge verifies no tokens and hashes no identifiers; the
# indexer holds no secrets at all.
UNUSED_BY = {
    "gateway": frozenset(),
    "bridge": frozenset({"identity_hmac_key", "welfare_messenger_token"}),
}
HTTPS_URLS = {
    "gateway": (
        "jwks_url",
        "payments_provider_url",
        "payee_notifier_url",
        "welfare_messenger_url",
        "portal_oidc_authorize_url",
        "portal_oidc_token_url",
    ),
    "bridge": ("payments_provider_url",),
    "indexer": (),
}
log = logging.getLogger("terang.config")


class ConfigurationError(ValueError):
    """A setting the deployment must change; the message names the setting, never its value."""


def _development_constants() -> frozenset[str]:
    return frozenset(v for k, v in globals().items() if k.startswith("LOCAL_ONLY_") and isinstance(v, str))


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # another name, or "" (every interface)


def development_allowed(settings: Settings) -> bool:
    return settings.environment in ("local", "test") and is_loopback(settings.host)


def development_values(settings: Settings, process: str = "gateway") -> list[str]:
    """The TERANG_* settings `process` uses that hold a public development value (or none at all)."""
    if process == "indexer":
        return []
    skip = set(UNUSED_BY[process])
    for provider, names in PROVIDER_SECRETS.items():
        if provider != settings.payments_provider:
            skip |= set(names)
    public = _development_constants()
    found = []
    for name, info in type(settings).model_fields.items():
        if name in skip:
            continue
        value = getattr(settings, name)
        secret = info.annotation is SecretStr or isinstance(value, SecretStr)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str) and (value in public or (secret and not value.strip())):
            found.append(f"TERANG_{name.upper()}")
    if settings.keyring_file == LOCAL_ONLY_KEYRING_FILE:
        found.append("TERANG_KEYRING_FILE (unset: a development keyring made on first use)")
    if process == "gateway":
        if settings.documents_dir == LOCAL_ONLY_DOCUMENTS_DIR:
            found.append("TERANG_DOCUMENTS_DIR (unset: a folder of this checkout, seen by no other gateway)")
        if not settings.jwks_url:
            found.append("TERANG_JWKS_URL (unset: the development issuer's key file verifies tokens)")
        if settings.jwt_issuer == DEV_ISSUER:
            found.append("TERANG_JWT_ISSUER")
        if settings.sikap_check_enabled is False:
            found.append("TERANG_SIKAP_CHECK_ENABLED (false: suppliers registered without the SIKaP extract)")
        if not settings.plan_check_enabled:
            found.append(
                "TERANG_PLAN_CHECK_ENABLED (false: tenders announced without their procurement plan)"
            )
        if is_loopback(urlsplit(settings.public_base_url).hostname or ""):
            found.append("TERANG_PUBLIC_BASE_URL (unset: families' notices would link to this machine)")
    return found


def _refusal(in_use: list[str]) -> str:
    return (
        f"{', '.join(in_use)}: development value or unset; set explicitly (development values are "
        "allowed only with TERANG_ENVIRONMENT=local or test on a loopback TERANG_HOST)"
    )


def check_deployment(settings: Settings, process: str = "gateway") -> list[str]:
    """Refuse (ConfigurationError, one line naming the settings) a development value or a plain-http
    URL where development values are not allowed; return the development values in use (to warn
    about) where they are."""
    if process not in PROCESSES:
        raise ValueError(f"unknown process {process!r}")
    in_use = development_values(settings, process)
    if development_allowed(settings):
        return in_use
    if in_use:
        raise ConfigurationError(_refusal(in_use))
    for name in HTTPS_URLS[process]:
        value = getattr(settings, name)
        if value is not None and urlsplit(value).scheme.lower() != "https":
            raise ConfigurationError(
                f"TERANG_{name.upper()} must be an https:// URL outside local or test on loopback"
            )
    return []


def warn_development(in_use: list[str], process: str = "gateway") -> None:
    if in_use:
        log.warning(
            "%s: DEVELOPMENT VALUES IN USE (public, never for real data): %s",
            process,
            ", ".join(in_use),
        )


def get_settings() -> Settings:
    return Settings()


def settings_or_refusal(process: str, prefix: str = "error") -> Settings | None:
    """The settings, checked for `process` (check_deployment); None after printing the
    one line that says which setting is wrong (never its value)."""
    try:
        settings = get_settings()
        check_deployment(settings, process)
    except ValueError as exc:
        print(f"{prefix}: {_one_line(exc)}", file=sys.stderr)
        return None
    return settings


def _one_line(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if errors is None:
        return str(exc).splitlines()[0]
    first = errors()[0]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, ValueError):  # a model validator's refusal: its own message
        return str(cause).splitlines()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"invalid TERANG_* setting: TERANG_{where.upper()}: {first['msg']}"
