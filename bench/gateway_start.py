"""How long the gateway takes to start and stop in a test client: what every gateway test that opens
a client pays (tests/gateway/conftest.py `client`), so the figure the test suite's time depends on.

    .venv-app/bin/python bench/gateway_start.py [--starts 40]

A local anvil with the suite deployed as the tests deploy it, the tests' settings (SQLite, the
development issuer and signers, the in-process indexer and payment bridge), then `--starts`
TestClient starts, each answering one GET /health and stopping; the first start (migrations on an
empty database, the heap frozen) is left out. Prints the median and the slowest, in ms. Prints
only: the figure is quoted in docs/decisions/0026-test-suite-time.md."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from app.auth import devissuer  # noqa: E402
from app.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402
from tests.support.localchain import anvil, deploy_local  # noqa: E402
from toolchain.dev_signers import write_signers  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=40, help="timed starts (after one untimed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="terang-start-") as folder, anvil() as url:
        base = Path(folder)
        deployed = deploy_local(url, base / "deployments")
        if deployed.returncode != 0:
            print(f"error: the deployment failed: {deployed.stderr.strip()[-300:]}", file=sys.stderr)
            return 1
        devissuer.ensure_keys(base / "issuer")
        settings = Settings(
            rpc_url=url,
            manifest_dir=base / "deployments",
            chain_id=31337,
            environment="test",
            database_url=f"sqlite:///{base / 'gateway.db'}",
            jwt_public_key_file=base / "issuer" / "public.pem",
            signers_file=write_signers(url, base / "signers"),
            keyring_file=base / "keyring.json",
            read_cache_poll_seconds=0,
            rate_limit_per_second=0,
        )
        app = create_app(settings)
        seconds = []
        for n in range(args.starts + 1):
            started = time.perf_counter()
            with TestClient(app) as client:
                assert client.get("/health").status_code in (200, 503)
            if n:
                seconds.append(time.perf_counter() - started)
    ms = [s * 1000 for s in seconds]
    print(
        f"gateway start and stop in a test client, {len(ms)} starts: "
        f"median {statistics.median(ms):.1f} ms, slowest {max(ms):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
