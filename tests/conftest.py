"""Shared by both test environments. Under brownie (contracts), make sure the local chain brownie
is about to launch gets a port of its own: brownie silently attaches to whatever already listens
on the configured port, which would run the suite against a foreign node."""

from __future__ import annotations

import gc
import socket

try:
    from brownie._config import CONFIG
except ImportError:  # the gateway environment has no brownie
    CONFIG = None

collect_ignore_glob = ["contracts/*"] if CONFIG is None else ["gateway/*", "toolchain/*"]


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_configure(config):
    if CONFIG is None:
        return
    try:
        chosen = config.getoption("--network")
    except ValueError:
        return
    name = (chosen[0] if isinstance(chosen, list) else chosen) or CONFIG.settings["networks"]["default"]
    settings = CONFIG.networks.get(name, {})
    cmd_settings = settings.get("cmd_settings")
    if "cmd" not in settings or not isinstance(cmd_settings, dict):
        return  # a live network: nothing is launched
    port = int(cmd_settings.get("port", 8545))
    if not _port_is_free(port):
        cmd_settings["port"] = _free_port()
        print(f"port {port} is taken; launching {name} on port {cmd_settings['port']} instead")


def pytest_collection_modifyitems(session, config, items):
    """Under brownie, move what is loaded by now (the project's artifacts, ASTs and source maps, and
    the collected tests) out of the garbage collector's sight: brownie collects in full on every
    chain reset and revert, and this heap made each collection take about a second."""
    if CONFIG is not None:
        gc.freeze()
