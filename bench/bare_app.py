"""The baseline of the gateway load benchmark: a bare FastAPI app returning a small JSON, served the
way `python -m app` serves the gateway (uvicorn.run, one process, same host and log level).

    .venv-app/bin/python bench/bare_app.py --port 8001

`/sync` is a plain `def` endpoint (run in the threadpool, like every gateway route); `/async` an
`async def` one (run on the event loop)."""

from __future__ import annotations

import argparse
import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI(title="bare baseline")
PAYLOAD = {"status": "ok", "chainId": 31337, "blockNumber": 123456, "network": "terang-local"}


@app.get("/sync")
def sync_endpoint() -> dict:
    return PAYLOAD


@app.get("/async")
async def async_endpoint() -> dict:
    return PAYLOAD


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")  # as app/__main__.py
    return 0


if __name__ == "__main__":
    sys.exit(main())
