"""Calling contract view functions for the gateway's reads: a revert becomes the contract's decoded
custom error (ChainRevert, answered like a refused transaction), and a struct result a dict by
field name."""

from __future__ import annotations

from typing import Any

from web3.exceptions import ContractLogicError

from app.ledger.reverts import ChainRevert, ErrorDecoder


def call_view(decoder: ErrorDecoder, function_call) -> Any:
    """`function_call.call()`; raises ChainRevert with the custom error when the view reverts."""
    try:
        return function_call.call()
    except ContractLogicError as exc:  # ContractCustomError included
        if isinstance(exc.data, str) and exc.data.startswith("0x"):
            raise decoder.decode(exc.data) from None
        raise ChainRevert("Reverted", {"reason": str(exc)}) from None


def named(contract, function: str, raw, output: int = 0) -> dict[str, Any]:
    """Output `output` of `function` (a struct) as {field name: value}."""
    components = contract.get_function_by_name(function).abi["outputs"][output]["components"]
    return dict(zip([c["name"] for c in components], raw, strict=True))
