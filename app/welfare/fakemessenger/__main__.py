"""`python -m app.welfare.fakemessenger --port 8720`: the fake message provider on loopback. Its
token is the gateway's TERANG_WELFARE_MESSENGER_TOKEN, so both sides agree."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from app.config import get_settings
from app.welfare.fakemessenger.server import Outbox, create_fake_messenger


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.welfare.fakemessenger", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8720)
    args = parser.parse_args(argv)
    outbox = Outbox(get_settings().welfare_messenger_token.get_secret_value())
    uvicorn.run(create_fake_messenger(outbox), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
