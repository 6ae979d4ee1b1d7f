"""Install this project's networks (toolchain/brownie-networks.yaml) into brownie's network config.

    python toolchain/brownie_networks.py                      # install (idempotent: replaces by id),
                                                              # and give `development` 24 accounts
    python toolchain/brownie_networks.py --free-port ID       # move local network ID to a free port if taken

`brownie networks import <file> True` should do the first, but brownie 1.22.2's CLI turns any
TypeError into "Invalid arguments" and fails on a correct call; its import function works, so call
it. The second protects `brownie run` (e.g. `make gas`), which otherwise attaches silently to
whatever listens on the configured port; tests/conftest.py does the same for `brownie test`.
"""

import socket
import sys
from pathlib import Path

import yaml
from brownie._cli.networks import _import
from brownie._config import _get_data_folder

NETWORKS = Path(__file__).resolve().parent / "brownie-networks.yaml"


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def widen_development_network(accounts: int = 24) -> None:
    """brownie's own `development` network (what a plain `brownie test` uses) launches anvil with 10
    accounts; the suite's deploy config names 24 (deploy/local.yaml). Same change as
    `brownie networks modify development accounts=24`."""
    path = _get_data_folder() / "network-config.yaml"
    config = yaml.safe_load(path.read_text())
    for network in config.get("development", []):
        if network["id"] == "development":
            settings = network.setdefault("cmd_settings", {})
            if settings.get("accounts", 10) < accounts:
                settings["accounts"] = accounts
                path.write_text(yaml.safe_dump(config))
            return


def ensure_free_port(network_id: str) -> None:
    path = _get_data_folder() / "network-config.yaml"
    config = yaml.safe_load(path.read_text())
    for network in config.get("development", []):
        if network["id"] == network_id:
            port = int(network["cmd_settings"].get("port", 8545))
            if _port_in_use(port):
                network["cmd_settings"]["port"] = _free_port()
                path.write_text(yaml.safe_dump(config))
                print(f"port {port} is taken; {network_id} moved to port {network['cmd_settings']['port']}")
            return
    raise SystemExit(f"error: no local brownie network {network_id!r}; run `make setup`")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--free-port":
        ensure_free_port(sys.argv[2])
    else:
        _import(str(NETWORKS), True)
        widen_development_network()
    sys.exit(0)
