"""One TLS context for the gateway's HTTP clients (the node, the payment providers, the OIDC
provider's keys, the notice and document fetches).

httpx builds a context for every client it creates, loading the whole CA bundle each time: about
30 ms, twice per gateway start (the bridge's node client and its provider client), which was half
of a start measured in the tests. The context is the one httpx would build for `verify=True`
(SSL_CERT_FILE, else SSL_CERT_DIR, else certifi's bundle), built once per process; a context is
safe to share between clients and threads."""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
