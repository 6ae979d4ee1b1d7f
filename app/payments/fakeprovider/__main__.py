"""`python -m app.payments.fakeprovider --port 8710 --callback-url http://127.0.0.1:8000
[--faults '{"duplicate_rate": 0.3}']`: the fake provider on loopback. Its credentials are the
gateway's TERANG_XENDIT_* / TERANG_IRIS_* settings, so both sides agree."""

from __future__ import annotations

import argparse
import json
import sys

import uvicorn

from app.config import get_settings
from app.payments.fakeprovider.faults import Faults
from app.payments.fakeprovider.server import Credentials, FakeProvider, create_fake_provider


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.payments.fakeprovider", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--callback-url", default=None, help="the gateway's base URL")
    parser.add_argument("--faults", default="{}", help="JSON of app/payments/fakeprovider/faults.py")
    args = parser.parse_args(argv)
    settings = get_settings()
    credentials = Credentials(
        xendit_secret_key=settings.xendit_secret_key.get_secret_value(),
        xendit_callback_token=settings.xendit_callback_token.get_secret_value(),
        iris_creator_key=settings.iris_creator_key.get_secret_value(),
        iris_approver_key=settings.iris_approver_key.get_secret_value(),
        iris_merchant_key=settings.iris_merchant_key.get_secret_value(),
    )
    provider = FakeProvider(credentials, args.callback_url, Faults(**json.loads(args.faults)))
    uvicorn.run(create_fake_provider(provider), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
