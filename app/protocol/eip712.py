"""EIP-712 typed data for the suite's signed messages (tender bids, escrow countersignature): the
domain (name, version, chain id, verifying contract) every signature binds to.

Imports only eth-utils, so both Python environments can use it."""

from __future__ import annotations

from eth_utils import to_checksum_address

DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


def typed_data(
    *,
    domain_name: str,
    domain_version: str,
    chain_id: int,
    verifying_contract: str,
    primary_type: str,
    fields: list[dict],
    message: dict,
) -> dict:
    """The full typed-data document that eth-account's `encode_typed_data` signs."""
    return {
        "types": {"EIP712Domain": DOMAIN_FIELDS, primary_type: fields},
        "primaryType": primary_type,
        "domain": {
            "name": domain_name,
            "version": domain_version,
            "chainId": chain_id,
            "verifyingContract": to_checksum_address(verifying_contract),
        },
        "message": message,
    }
