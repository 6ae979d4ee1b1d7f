"""The image's HEALTHCHECK: GET /health of the gateway in this container (exit 0 on 200, else 1).
The standard library only, so the check needs nothing the image does not already carry."""

import os
import sys
import urllib.request

port = os.environ.get("TERANG_PORT", "8000")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=4) as response:  # noqa: S310
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
