"""Steps that only a local chain allows (`make run`, the tests): move its clock forward, so tender
deadlines pass without waiting for days, and give an account test ETH for gas.

    python -m toolchain.localchain now [--seconds]      # the chain's time (its latest block)
    python -m toolchain.localchain advance 7d           # forward by 7 days (s, m, h or d: 90m, 36h, 7d)
    python -m toolchain.localchain past 1795000000      # to just after that UTC second (a deadline)
    python -m toolchain.localchain fund 0xADDRESS       # set its balance to 1 test ETH (--eth N)

The chain's URL is --rpc-url, else the environment's TERANG_RPC_URL (`make run` prints it on its
`chain` line). Only a chain with the local chain id (31337) whose node takes these development
calls (anvil, ganache) is touched; a real network never is. Time only moves forward: `past` a
moment the chain has already passed changes nothing. Each command prints one line: the chain's time
afterwards (UTC seconds and ISO 8601), or the account's balance. `--help` never acts; mistakes end
in one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import urllib.error
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import NoReturn

from toolchain.brownie_artifacts import LOCAL_CHAIN_ID
from toolchain.jsonrpc import JsonRpcError, rpc

PROG = "python -m toolchain.localchain"
WEI_PER_ETH = 10**18
MAX_ETH = 1_000
USAGE_ERROR = 2
UNITS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400}
DURATION = re.compile(r"^(\d{1,9})([smhd])$")
ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


class ChainError(Exception):
    """A mistake said in one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        _fail(f"{message} (see {PROG} --help)")


def _fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(USAGE_ERROR)


def duration(text: str) -> int:
    """Seconds of a duration such as 90s, 30m, 36h or 7d (positive)."""
    found = DURATION.match(text.strip())
    if not found or int(found.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (a positive number and s, m, h or d)")
    return int(found.group(1)) * UNITS[found.group(2)]


def timestamp(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UTC timestamp in seconds: {text!r}") from None
    if not 0 < value < 2**40:
        raise argparse.ArgumentTypeError(f"not a UTC timestamp in seconds: {text!r}")
    return value


def address(text: str) -> str:
    if not ADDRESS.match(text.strip()):
        raise argparse.ArgumentTypeError(f"not an account address: {text!r} (0x and 40 hex digits)")
    return text.strip()


def ether(text: str) -> int:
    """Wei of a whole or decimal number of ETH, above 0 and at most MAX_ETH."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount of ETH: {text!r}") from None
    if not value.is_finite() or not 0 < value <= MAX_ETH:
        raise argparse.ArgumentTypeError(
            f"the amount must be above 0 and at most {MAX_ETH} ETH, not {text!r}"
        )
    return int(value * WEI_PER_ETH)


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog=PROG, description="Steps only a local chain allows: its clock, test ETH for gas.")
    root.add_argument(
        "--rpc-url",
        default=os.environ.get("TERANG_RPC_URL"),
        help="the local chain's JSON-RPC URL (default: $TERANG_RPC_URL)",
    )
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)
    now = commands.add_parser("now", help="print the chain's time")
    now.add_argument("--seconds", action="store_true", help="print only its UTC seconds (for scripts)")
    advance = commands.add_parser("advance", help="move the clock forward by a duration")
    advance.add_argument("duration", type=duration, help="e.g. 90m, 36h, 7d")
    past = commands.add_parser("past", help="move the clock to just after a UTC timestamp")
    past.add_argument("timestamp", type=timestamp, help="UTC seconds, e.g. a tender's commitDeadline")
    fund = commands.add_parser("fund", help="set an account's balance of test ETH (for its gas)")
    fund.add_argument("address", type=address, help="the account, 0x...")
    fund.add_argument("--eth", type=ether, default=WEI_PER_ETH, help="its balance afterwards (default 1)")
    return root


class LocalChain:
    def __init__(self, url: str | None) -> None:
        if not url:
            raise ChainError("no chain URL: give --rpc-url or set TERANG_RPC_URL (make run prints it)")
        if not url.startswith(("http://", "https://")):
            raise ChainError(f"--rpc-url must be an http:// URL, not {url!r}")
        self.url = url

    def call(self, method: str, params: list | None = None):
        try:
            return rpc(self.url, method, params)
        except urllib.error.HTTPError as error:
            raise ChainError(
                f"{self.url} answered HTTP {error.code}, not JSON-RPC: give the chain's URL (the `chain` "
                "line of make run), not the gateway's"
            ) from None
        except OSError as error:
            reason = getattr(error, "reason", None) or error.strerror or type(error).__name__
            raise ChainError(f"cannot reach the chain at {self.url} ({reason})") from None
        except JsonRpcError as error:
            said = error.args[0].get("message") if error.args and isinstance(error.args[0], dict) else error
            raise ChainError(f"the chain at {self.url} refused {method}: {said}") from None
        except ValueError:
            raise ChainError(f"{self.url} did not answer as a JSON-RPC node") from None

    def require_local(self) -> None:
        chain_id = int(self.call("eth_chainId"), 16)
        if chain_id != LOCAL_CHAIN_ID:
            raise ChainError(
                f"the chain at {self.url} has chain id {chain_id}, not the local {LOCAL_CHAIN_ID}: "
                "only a local chain's clock is moved"
            )

    def now(self) -> int:
        return int(self.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def mine_at(self, when: int) -> int:
        self.call("evm_setNextBlockTimestamp", [when])
        self.call("evm_mine")
        return self.now()

    def set_balance(self, account: str, wei: int) -> int:
        """anvil's anvil_setBalance, else ganache's evm_setAccountBalance; no transaction is sent."""
        try:
            self.call("anvil_setBalance", [account, hex(wei)])
        except ChainError:
            self.call("evm_setAccountBalance", [account, hex(wei)])
        return int(self.call("eth_getBalance", [account, "latest"]), 16)


def shown(seconds: int) -> str:
    return f"{seconds} ({datetime.fromtimestamp(seconds, UTC).strftime('%Y-%m-%dT%H:%M:%SZ')})"


def run(args: argparse.Namespace) -> str:
    chain = LocalChain(args.rpc_url)
    chain.require_local()
    if args.command == "fund":
        balance = chain.set_balance(args.address, args.eth)
        return f"{args.address} holds {Decimal(balance) / WEI_PER_ETH} test ETH"
    now = chain.now()
    if args.command == "now" and args.seconds:
        return str(now)
    if args.command == "advance":
        now = chain.mine_at(now + args.duration)
    elif args.command == "past" and now <= args.timestamp:
        now = chain.mine_at(args.timestamp + 1)
    return f"chain time {shown(now)}"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # nothing is asked of the chain before the arguments parse
    try:
        print(run(args))
    except ChainError as error:
        _fail(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
