"""Decode a revert into the contract's custom error: name and named arguments.

Every deployed contract's ABI (from the manifest) lists the custom errors it can raise, its
OpenZeppelin bases' included; the gateway turns them into problem documents with stable codes."""

from __future__ import annotations

from typing import Any

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address, to_hex

from app.ledger.errors import ChainRevert


def type_string(param: dict) -> str:
    """The canonical ABI type of a parameter (tuples spelled out: `(uint256,bytes32)[]`)."""
    if param["type"].startswith("tuple"):
        inner = ",".join(type_string(c) for c in param["components"])
        return f"({inner}){param['type'][5:]}"
    return param["type"]


class ErrorDecoder:
    def __init__(self, abis: list[list[dict]]) -> None:
        self._errors: dict[bytes, tuple[str, list[dict]]] = {}
        for abi in abis:
            for item in abi:
                if item.get("type") != "error":
                    continue
                signature = f"{item['name']}({','.join(type_string(i) for i in item['inputs'])})"
                self._errors[function_signature_to_4byte_selector(signature)] = (item["name"], item["inputs"])
        self._errors[function_signature_to_4byte_selector("Error(string)")] = (
            "Error",
            [{"name": "message", "type": "string"}],
        )
        self._errors[function_signature_to_4byte_selector("Panic(uint256)")] = (
            "Panic",
            [{"name": "code", "type": "uint256"}],
        )

    def decode(self, data: bytes | str | None) -> ChainRevert:
        if isinstance(data, str):
            data = bytes.fromhex(data.removeprefix("0x"))
        if not data or len(data) < 4:
            return ChainRevert("Reverted", {}, to_hex(data or b""))
        known = self._errors.get(data[:4])
        if known is None:
            return ChainRevert("UnknownError", {"selector": to_hex(data[:4])}, to_hex(data))
        name, inputs = known
        try:
            values = decode([type_string(i) for i in inputs], data[4:])
        except Exception:  # malformed payload: still report the error name
            return ChainRevert(name, {}, to_hex(data))
        args = {
            (i["name"] or f"arg{n}"): _plain(v, i["type"])
            for n, (i, v) in enumerate(zip(inputs, values, strict=True))
        }
        return ChainRevert(name, args, to_hex(data))


def _plain(value: Any, abi_type: str = "") -> Any:
    if abi_type == "address":
        return to_checksum_address(value)
    if isinstance(value, bytes):
        return to_hex(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
