"""Suppliers for the gateway's process-level tests: a fresh registration body, and the registry's
count read straight from the chain (what the tests compare the API's answers against)."""

from __future__ import annotations

import uuid
from pathlib import Path

from eth_account import Account
from web3 import Web3

from app.protocol.manifest import load_manifest


def registration() -> dict:
    return {
        "account": Account.create().address,
        "nib": f"91200{uuid.uuid4().int % 10**8:08d}",
        "npwp": "011234567890100",
        "umkm": False,
        "regionCode": 6302,
    }


def supplier_count(own_chain: tuple[str, Path]) -> int:
    url, manifest_dir = own_chain
    manifest = load_manifest(manifest_dir / "31337.json")
    registry = Web3(Web3.HTTPProvider(url)).eth.contract(
        address=manifest.address("SupplierRegistry"), abi=manifest.contracts["SupplierRegistry"].abi
    )
    return registry.functions.supplierCount().call()
