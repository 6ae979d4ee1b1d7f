"""Helpers shared by the foundation's contract tests: the exact revert message brownie reports for a
custom error, ABI-shaped placeholder arguments, and the time of the latest block.

Brownie decodes a custom error as "ErrorName: arg1, arg2" with addresses in lower case, bytes as
Python bytes literals and integers in decimal; `brownie.reverts` compares the whole message, so a
test names both the error and the arguments it expects.
"""

from __future__ import annotations

from brownie import web3

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
ZERO_BYTES32 = b"\x00" * 32


def _format(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, (bytes, bytearray)):
        return str(bytes(value))
    if hasattr(value, "address"):  # brownie Account or Contract
        return str(value.address).lower()
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return value.lower()
    raise TypeError(f"no revert-message format for {value!r}")


def custom_error(name: str, *args) -> str:
    """The revert message brownie reports for custom error `name` raised with `args`."""
    return f"{name}: " + ", ".join(_format(arg) for arg in args)


def selector(calldata: str) -> bytes:
    """The 4-byte function selector of ABI-encoded calldata (a 0x hex string)."""
    return bytes.fromhex(calldata[2:10])


def placeholder(abi_type: str, components: list | None = None):
    """A zero value of an ABI type, for calls that must be refused before their arguments matter."""
    if abi_type.endswith("]"):
        element, _, size = abi_type[:-1].rpartition("[")
        return [placeholder(element, components) for _ in range(int(size))] if size else []
    if abi_type == "tuple":
        return tuple(placeholder(c["type"], c.get("components")) for c in components or [])
    if abi_type == "address":
        return ZERO_ADDRESS
    if abi_type == "bool":
        return False
    if abi_type == "string":
        return ""
    if abi_type == "bytes":
        return b""
    if abi_type.startswith("bytes"):
        return b"\x00" * int(abi_type[5:])
    if abi_type.startswith(("uint", "int")):
        return 0
    raise TypeError(f"no placeholder for ABI type {abi_type}")


def placeholder_args(contract, function_name: str) -> list:
    (entry,) = [e for e in contract.abi if e.get("type") == "function" and e["name"] == function_name]
    return [placeholder(i["type"], i.get("components")) for i in entry["inputs"]]


def latest_timestamp() -> int:
    return int(web3.eth.get_block("latest")["timestamp"])
