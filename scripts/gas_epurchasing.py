"""Gas of e-Purchasing: LKPP publishes a catalogue of 1,000 products, an officer orders one of them
with its Merkle proof (ten sibling hashes), and the PPK opens the escrow from the order, on a suite
deployed by `deploy_suite`. Called by scripts/gas_report.py (`make gas`), which writes bench/gas.json
and docs/gas.md; runnable alone:

    brownie run scripts/gas_epurchasing.py --network terang-anvil
"""

from __future__ import annotations

import sys
from pathlib import Path

from brownie import accounts, web3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.protocol.catalogue import CatalogueTree, Listing, product_id_of  # noqa: E402

PRODUCTS = 1_000
PUBLISH = "publishCatalogue (root of 1,000 products)"
ORDER = "placeOrder (proof of 10 hashes, recorded as an award)"
# Budgets: an order does in one transaction what a tender's announcement, commits, openings,
# evaluation and award do in many (together well over a million gas).
TARGETS = {PUBLISH: 160_000, ORDER: 320_000}
NOTES = {
    PUBLISH: "four new slots (root, count, file hash, time and publisher); a catalogue's size costs nothing",
    ORDER: (
        "one transaction does what a tender's announcement, opening and award do: the hub checks "
        "(AGENCY_OFFICER here, E_PURCHASING at Tenders), the agency and supplier checks (cold external "
        "calls), the proof (a keccak per level), and Tenders' record of the process (its tender and "
        "bid slots, the ocid and title strings) with the events a tender's award emits"
    ),
}


def _h(label: str) -> bytes:
    return bytes(web3.keccak(text=label))


def measure(suite) -> dict[str, int]:
    """Runs the scenario on `suite` and returns step name -> gas used."""
    epurchasing, registry = suite.contracts["EPurchasing"], suite.contracts["SupplierRegistry"]
    lkpp, officer, officer2 = accounts[1], accounts[4], accounts[5]
    provider = accounts.add("0x" + "9f" * 32)
    tx = registry.registerSupplier(
        provider, _h("nib-gas-ep"), _h("npwp-gas-ep"), False, 6302, {"from": officer}
    )
    supplier_id = tx.events["SupplierRegistered"]["supplierId"]
    registry.verifySupplier(supplier_id, {"from": officer2})
    catalogue_id = int(epurchasing.currentCatalogue()) + 1
    listings = [
        Listing(product_id_of(f"EK-GAS-{i}"), supplier_id, 1_000_000 + i, 4_000, 0, f"Produk {i}")
        for i in range(PRODUCTS)
    ]
    tree = CatalogueTree(catalogue_id, listings)
    gas = {
        PUBLISH: epurchasing.publishCatalogue(tree.root, PRODUCTS, _h("snapshot"), {"from": lkpp}).gas_used
    }
    listing = listings[PRODUCTS // 2]
    order = (
        "ocds-terang-1001-gas-ep",
        1001,
        catalogue_id,
        listing.product_id,
        supplier_id,
        listing.unit_price,
        listing.tkdn_bps,
        listing.category,
        100,
        listing.name,
        _h("surat pesanan"),
    )
    proof = tree.proof(listing)
    gas[ORDER] = epurchasing.placeOrder(order, proof, {"from": officer}).gas_used
    return gas


def main() -> None:
    from scripts.deploy import deploy_suite
    from toolchain.deploy_config import load_deploy_config

    config = load_deploy_config(ROOT / "deploy" / "local.yaml", [str(a) for a in accounts])
    for name, used in measure(deploy_suite(accounts[0], config)).items():
        print(f"{name:<60} {used:>9,}")
