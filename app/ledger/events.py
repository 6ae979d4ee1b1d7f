"""Reading a contract's events out of a confirmed transaction's logs."""

from __future__ import annotations

from typing import Any

from hexbytes import HexBytes
from web3.logs import DISCARD


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, HexBytes)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def events(contract, name: str, confirmed) -> list[dict[str, Any]]:
    receipt = {"logs": confirmed.logs}
    decoded = getattr(contract.events, name)().process_receipt(receipt, errors=DISCARD)
    return [{k: _plain(v) for k, v in e["args"].items()} for e in decoded]


def event_args(contract, name: str, confirmed) -> dict[str, Any]:
    """The arguments of the first `name` event the contract emitted in this transaction."""
    found = events(contract, name, confirmed)
    if not found:
        raise LookupError(f"transaction emitted no {name} event")
    return found[0]
