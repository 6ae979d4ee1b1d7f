"""Checked inputs of the kit: addresses, enode URLs, host names, chain ids. Each mistake is a
KitError whose message is one line naming the input (never a key)."""

from __future__ import annotations

import ipaddress
import re

from eth_utils import is_checksum_address, to_checksum_address

ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
ENODE = re.compile(
    r"^enode://(?P<key>[0-9a-fA-F]{128})@(?P<host>\[[0-9a-fA-F:.]+\]|[^:/?\s]+):(?P<port>\d+)$"
)
# Chain ids the kit refuses: public Ethereum networks, and the local development chains the
# toolchain itself uses (their deployments/<chain id>.json would collide with the consortium's).
RESERVED_CHAIN_IDS = {
    1: "Ethereum mainnet",
    5: "the Goerli test network",
    17000: "the Holesky test network",
    11155111: "the Sepolia test network",
    1337: "a local development chain",
    31337: "the local development chain (anvil, ganache)",
}
MAX_CHAIN_ID = 2**53 - 1  # what JSON clients (and MetaMask) carry exactly


class KitError(ValueError):
    """A mistake of the operator's, said in one line."""


def split_list(text: str, what: str) -> list[str]:
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in items):
        raise KitError(f"{what}: an empty entry in {text!r} (give a comma-separated list)")
    return items


def address(text: str, what: str = "address") -> str:
    """A 0x address, checksummed; a mixed-case one must carry a valid EIP-55 checksum (a typo)."""
    if not ADDRESS.match(text):
        raise KitError(f"{what}: {text!r} is not a 0x address of 40 hex digits")
    digits = text[2:]
    if digits != digits.lower() and digits != digits.upper() and not is_checksum_address(text):
        raise KitError(f"{what}: {text!r} has a wrong EIP-55 checksum (a mistyped letter?)")
    return to_checksum_address(text)


def distinct_addresses(text: str, what: str) -> list[str]:
    found: list[str] = []
    for item in split_list(text, what):
        checked = address(item, what)
        if checked in found:
            raise KitError(f"{what}: {checked} is listed twice")
        found.append(checked)
    return found


def ip_host(text: str, what: str) -> str:
    """An IP address (Besu's enode URLs and allowlists need IPs unless its DNS option is on)."""
    bare = text.strip("[]")
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        raise KitError(
            f"{what}: {text!r} is not an IP address (Besu's node allowlist needs IP addresses)"
        ) from None
    return bare


def port(value: int, what: str) -> int:
    if not 1 <= value <= 65535:
        raise KitError(f"{what}: {value} is not a TCP port (1-65535)")
    return value


def enode(text: str) -> str:
    """enode://<128 hex digits>@<IP>:<port>, the form Besu's nodes-allowlist and bootnodes take."""
    match = ENODE.match(text.strip())
    if not match:
        raise KitError(f"enode: {text!r} is not enode://<128 hex digits of the public key>@<IP>:<port>")
    host = ip_host(match["host"], "enode host")
    port(int(match["port"]), "enode port")
    shown = f"[{host}]" if ":" in host else host
    return f"enode://{match['key'].lower()}@{shown}:{int(match['port'])}"


def distinct_enodes(text: str) -> list[str]:
    found: list[str] = []
    keys: set[str] = set()
    for item in split_list(text, "--nodes"):
        checked = enode(item)
        key = checked[len("enode://") : len("enode://") + 128]
        if key in keys:
            raise KitError(f"--nodes: the public key {key[:12]}... is listed twice")
        keys.add(key)
        found.append(checked)
    return found


def chain_id(value: int) -> int:
    if not 1 <= value <= MAX_CHAIN_ID:
        raise KitError(f"--chain-id: {value} is outside 1..{MAX_CHAIN_ID}")
    if value in RESERVED_CHAIN_IDS:
        raise KitError(f"--chain-id: {value} is {RESERVED_CHAIN_IDS[value]}; choose the consortium's own")
    return value
