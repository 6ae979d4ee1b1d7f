"""How often anvil shows a sender's nonce advanced while the receipt of the transaction that advanced
it is not there yet: the window in which brownie 1.22 calls a mined transaction "dropped"
(toolchain/brownie_receipts.py) and the reason the gateway asks twice before it believes a refusal
(app/ledger/txmanager.py, KNOWN_RECHECK_SECONDS).

    .venv-app/bin/python bench/anvil_receipt_lag.py [--transfers 2000]

Starts anvil as the tests do (tests/support/localchain.py), sends plain transfers from its first
unlocked account one at a time, and after each send asks, as brownie does, first the sender's nonce
and then the receipt, until either the receipt is there or the nonce has moved without it. Prints
the count; writes nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.localchain import ANVIL, anvil, rpc  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transfers", type=int, default=2000)
    args = parser.parse_args()
    with anvil() as url:
        sender = rpc(url, "eth_accounts")[0]  # unlocked in anvil: it signs, as for brownie's accounts
        ahead = 0
        for nonce in range(args.transfers):
            transfer = {"from": sender, "to": "0x" + "11" * 20, "value": "0x1"}
            tx_hash = rpc(url, "eth_sendTransaction", [transfer])
            while True:
                count = int(rpc(url, "eth_getTransactionCount", [sender, "latest"]), 16)
                if rpc(url, "eth_getTransactionReceipt", [tx_hash]) is not None:
                    break
                if count > nonce:
                    ahead += 1
                    break
    version = subprocess.run([str(ANVIL), "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    print(f"{version}: {ahead} of {args.transfers} transfers showed the nonce advanced, no receipt yet")


if __name__ == "__main__":
    main()
