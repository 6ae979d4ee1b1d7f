"""Install this project's networks (toolchain/brownie-networks.yaml) into brownie's network config.

`brownie networks import <file> True` should do this, but brownie 1.22.2's CLI turns any TypeError
into "Invalid arguments" and fails on a correct call; its import function itself works, so call it.
Replacing by id is idempotent.
"""

import sys
from pathlib import Path

from brownie._cli.networks import _import

NETWORKS = Path(__file__).resolve().parent / "brownie-networks.yaml"

if __name__ == "__main__":
    _import(str(NETWORKS), True)
    sys.exit(0)
