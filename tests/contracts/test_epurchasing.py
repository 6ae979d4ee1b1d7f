"""E-Purchasing (e-Katalog): LKPP publishes a catalogue snapshot's Merkle root; an officer orders a
listed product for its own agency with the product's proof; the order is recorded in Tenders as a
tender already awarded to the provider, so the escrow and payments follow unchanged. The price, the
TKDN, the provider and the product of an order are the catalogue's: anything else fails the proof."""

from __future__ import annotations

import brownie
import pytest
from brownie import accounts, web3

from app.protocol import vocabulary
from app.protocol.catalogue import CatalogueTree, Listing, product_id_of
from app.protocol.roles import role_id
from tests.contracts.conftest import IKN, PU
from tests.contracts.escrow_fixtures import (
    E_ACTIVE,
    K_MILESTONE,
    M_APPROVED,
    S_SETTLED,
    Award,
    EscrowKit,
    h,
    hx,
    now,
)
from tests.contracts.revert_messages import custom_error
from toolchain.deploy_config import DeployConfigError, load_deploy_config

(E_PURCHASING,) = vocabulary.enum("ITenders.Method").codes("EPurchasing")
GOODS, LOWEST_PRICE = 0, 0
AWARDED, VALID = 3, 2
LAPTOP_PRICE = 20_000_000  # rupiah per unit
YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def epurchasing(suite):
    return suite.contracts["EPurchasing"]


@pytest.fixture(scope="module")
def tenders(suite):
    return suite.contracts["Tenders"]


@pytest.fixture(scope="session")
def lkpp():
    """The LKPP official who publishes the catalogue (deploy/local.yaml: CATALOGUE_PUBLISHER)."""
    return accounts[1]


@pytest.fixture(scope="module")
def provider():
    """A catalogue provider whose key signs its countersignature."""
    account = accounts.add("0x" + "c7" * 32)
    accounts[0].transfer(account, "10 ether")
    return account


class Catalogue:
    """A published snapshot: its listings, tree and on-chain id."""

    def __init__(self, epurchasing, publisher, listings):
        self.epurchasing = epurchasing
        self.listings = {listing.name: listing for listing in listings}
        self.catalogue_id = int(epurchasing.currentCatalogue()) + 1
        self.tree = CatalogueTree(self.catalogue_id, listings)
        tx = epurchasing.publishCatalogue(
            self.tree.root, len(listings), h("snapshot.csv"), {"from": publisher}
        )
        assert tx.events["CataloguePublished"]["catalogueId"] == self.catalogue_id

    def order(self, product, quantity, ocid, agency=IKN, **forged):
        """(order tuple, proof) for `quantity` units of `product` (its name); `forged` overrides fields
        of the order (not of the proof)."""
        listing = self.listings[product]
        fields = {
            "ocid": ocid,
            "agencyId": agency,
            "catalogueId": self.catalogue_id,
            "productId": listing.product_id,
            "supplierId": listing.supplier_id,
            "unitPrice": listing.unit_price,
            "tkdnBps": listing.tkdn_bps,
            "category": listing.category,
            "quantity": quantity,
            "name": listing.name,
            "documentHash": h(f"surat pesanan {ocid}"),
        }
        fields.update(forged)
        return tuple(fields.values()), [bytes(p) for p in self.tree.proof(listing)]


@pytest.fixture
def catalogue(epurchasing, lkpp, active_supplier, register_supplier, provider, supplier_keys):
    supplier_id = active_supplier(provider, "pt-laptop-nusantara")
    other_id = active_supplier(supplier_keys[0], "pt-meja-kayu")
    unverified_id = register_supplier(supplier_keys[1], "pt-belum-verifikasi")
    listings = [
        Listing(product_id_of("EK-LAPTOP-14"), supplier_id, LAPTOP_PRICE, 4_500, GOODS, "Laptop 14 inci"),
        Listing(product_id_of("EK-MEJA-01"), other_id, 2_500_000, 8_000, GOODS, "Meja kerja kayu jati"),
        Listing(product_id_of("EK-KURSI-01"), other_id, 1_200_000, 7_500, GOODS, "Kursi kerja"),
        Listing(product_id_of("EK-PRINTER"), unverified_id, 5_000_000, 2_500, GOODS, "Printer A3"),
    ]
    return Catalogue(epurchasing, lkpp, listings)


# --- the catalogue -------------------------------------------------------------------------------


def test_lkpp_publishes_a_catalogue_which_then_takes_every_order(epurchasing, catalogue, lkpp):
    stored = epurchasing.getCatalogue(catalogue.catalogue_id).dict()

    assert epurchasing.currentCatalogue() == catalogue.catalogue_id
    assert bytes(stored["root"]) == catalogue.tree.root
    assert stored["products"] == 4
    assert stored["publisher"] == lkpp


def test_an_agency_officer_alone_cannot_publish_a_catalogue(epurchasing, officer, catalogue):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", officer)):
        epurchasing.publishCatalogue(h("akar palsu"), 1, h("palsu"), {"from": officer})


def test_an_empty_catalogue_is_refused(epurchasing, lkpp):
    with brownie.reverts(custom_error("EPurchasingInvalidCatalogue")):
        epurchasing.publishCatalogue(bytes(32), 1, h("x"), {"from": lkpp})
    with brownie.reverts(custom_error("EPurchasingInvalidCatalogue")):
        epurchasing.publishCatalogue(h("akar"), 0, h("x"), {"from": lkpp})


def test_no_order_before_a_catalogue_is_published(epurchasing, officer):
    order = ("ocds-terang-1001-ep-0", IKN, 1, h("p"), 1, 1, 0, GOODS, 1, "x", h("d"))
    with brownie.reverts(custom_error("EPurchasingNoCatalogue")):
        epurchasing.placeOrder(order, [], {"from": officer})


# --- an order ------------------------------------------------------------------------------------


def test_an_order_is_recorded_as_a_tender_awarded_to_the_provider(epurchasing, tenders, catalogue, officer):
    order, proof = catalogue.order("Laptop 14 inci", 50, "ocds-terang-1001-ep-1")

    tx = epurchasing.placeOrder(order, proof, {"from": officer})

    tender_id = tx.events["OrderPlaced"]["tenderId"]
    listing = catalogue.listings["Laptop 14 inci"]
    assert hx(tender_id) == bytes(web3.keccak(text="ocds-terang-1001-ep-1"))
    placed = tx.events["OrderPlaced"]
    assert (placed["agencyId"], placed["supplierId"], placed["officer"]) == (
        IKN,
        listing.supplier_id,
        officer,
    )
    assert (placed["unitPrice"], placed["quantity"], placed["value"]) == (LAPTOP_PRICE, 50, 50 * LAPTOP_PRICE)
    assert placed["tkdnBps"] == 4_500
    tender = tenders.getTender(tender_id).dict()
    assert tender["status"] == AWARDED
    assert tender["method"] == E_PURCHASING
    assert tender["agencyId"] == IKN
    assert tender["winner"] == listing.supplier_id
    assert tender["validBids"] == 1
    bid = tenders.getBid(tender_id, listing.supplier_id).dict()
    assert (bid["price"], bid["tkdnBps"], bid["status"]) == (50 * LAPTOP_PRICE, 4_500, VALID)
    # What a tender's award emits, with the ordering officer (not the contract) as announcer.
    announced = tx.events["TenderAnnounced"]
    assert announced["officer"] == officer
    assert announced["params"]["method"] == E_PURCHASING
    assert announced["params"]["title"] == "Laptop 14 inci"
    awarded = tx.events["TenderAwarded"]
    assert (awarded["supplierId"], awarded["value"], awarded["agencyId"]) == (
        listing.supplier_id,
        50 * LAPTOP_PRICE,
        IKN,
    )


def test_the_escrow_opens_from_an_order_and_pays_the_provider(
    epurchasing, catalogue, officer, provider, suite, verifiers, treasury
):
    order, proof = catalogue.order("Laptop 14 inci", 50, "ocds-terang-1001-ep-2")
    tender_id = epurchasing.placeOrder(order, proof, {"from": officer}).events["OrderPlaced"]["tenderId"]
    listing = catalogue.listings["Laptop 14 inci"]
    kit = EscrowKit(
        escrow=suite.contracts["MilestoneEscrow"],
        payments=suite.contracts["Payments"],
        award=Award(tender_id=tender_id, supplier=provider, supplier_id=listing.supplier_id, value=10**9),
        officer=officer,
        verifiers=verifiers,
        treasury=treasury,
    )

    escrow_id = kit.signed()
    assert kit.escrow.getEscrow(escrow_id)["status"] == E_ACTIVE
    kit.attest(escrow_id, 0, delivered=now())
    kit.approve(escrow_id, 0)
    payment_id = kit.payment_id(escrow_id, K_MILESTONE, 0)
    kit.settle(payment_id)

    assert kit.escrow.getMilestone(escrow_id, 0)["status"] == M_APPROVED
    assert kit.payments.statusOf(payment_id) == S_SETTLED
    assert kit.escrow.getEscrow(escrow_id)["value"] == 50 * LAPTOP_PRICE


def test_an_officer_of_another_agency_cannot_order_for_an_agency(epurchasing, catalogue, pu_officer):
    order, proof = catalogue.order("Laptop 14 inci", 1, "ocds-terang-1001-ep-3", agency=IKN)

    with brownie.reverts(custom_error("AgencyOfficerMismatch", pu_officer, IKN, PU)):
        epurchasing.placeOrder(order, proof, {"from": pu_officer})


@pytest.mark.parametrize(
    "forged",
    [
        {"unitPrice": LAPTOP_PRICE + 1},  # a price above the catalogue's
        {"unitPrice": LAPTOP_PRICE - 1},  # or below it (a split or a side deal)
        {"tkdnBps": 9_000},  # a TKDN the product does not have
        {"productId": product_id_of("EK-LAPTOP-16")},  # a product not listed
        {"name": "Laptop 16 inci"},  # another product's name
        {"category": 1},  # construction, not goods
    ],
    ids=["price-up", "price-down", "tkdn", "product", "name", "category"],
)
def test_a_forged_listing_fails_the_proof(epurchasing, catalogue, officer, forged):
    order, proof = catalogue.order("Laptop 14 inci", 1, "ocds-terang-1001-ep-4", **forged)
    product = order[3]

    with brownie.reverts(custom_error("EPurchasingInvalidProof", catalogue.catalogue_id, bytes(product))):
        epurchasing.placeOrder(order, proof, {"from": officer})


def test_another_providers_id_fails_the_proof(epurchasing, catalogue, officer):
    desk = catalogue.listings["Meja kerja kayu jati"]
    order, proof = catalogue.order("Laptop 14 inci", 1, "ocds-terang-1001-ep-5", supplierId=desk.supplier_id)

    with brownie.reverts(custom_error("EPurchasingInvalidProof", catalogue.catalogue_id, order[3])):
        epurchasing.placeOrder(order, proof, {"from": officer})


def test_a_superseded_catalogue_takes_no_more_orders(epurchasing, catalogue, officer, lkpp):
    old_order, old_proof = catalogue.order("Laptop 14 inci", 1, "ocds-terang-1001-ep-6")
    listing = catalogue.listings["Laptop 14 inci"]
    cheaper = Listing(
        listing.product_id, listing.supplier_id, LAPTOP_PRICE - 1_000_000, 4_500, GOODS, listing.name
    )
    newer = Catalogue(epurchasing, lkpp, [cheaper, catalogue.listings["Kursi kerja"]])

    with brownie.reverts(
        custom_error("EPurchasingStaleCatalogue", catalogue.catalogue_id, newer.catalogue_id)
    ):
        epurchasing.placeOrder(old_order, old_proof, {"from": officer})
    order, proof = newer.order("Laptop 14 inci", 1, "ocds-terang-1001-ep-6")
    assert epurchasing.placeOrder(order, proof, {"from": officer}).events["OrderPlaced"]["value"] == (
        LAPTOP_PRICE - 1_000_000
    )


def test_a_zero_quantity_is_refused(epurchasing, catalogue, officer):
    order, proof = catalogue.order("Kursi kerja", 0, "ocds-terang-1001-ep-7")

    with brownie.reverts(custom_error("EPurchasingZeroQuantity")):
        epurchasing.placeOrder(order, proof, {"from": officer})


def test_an_order_id_is_used_once(epurchasing, catalogue, officer):
    order, proof = catalogue.order("Kursi kerja", 2, "ocds-terang-1001-ep-8")
    tender_id = epurchasing.placeOrder(order, proof, {"from": officer}).events["OrderPlaced"]["tenderId"]

    with brownie.reverts(custom_error("TenderAlreadyExists", bytes(tender_id))):
        epurchasing.placeOrder(order, proof, {"from": officer})


def test_a_blacklisted_provider_is_refused(epurchasing, catalogue, officer, blacklist, registry):
    desk = catalogue.listings["Meja kerja kayu jati"]
    start = now() + 1
    blacklist(desk.supplier_id, start, start + YEAR)
    order, proof = catalogue.order("Meja kerja kayu jati", 3, "ocds-terang-1001-ep-9")
    brownie.chain.sleep(5)

    with brownie.reverts(custom_error("EPurchasingSupplierBlacklisted", desk.supplier_id)):
        epurchasing.placeOrder(order, proof, {"from": officer})


def test_an_unverified_provider_is_refused(epurchasing, catalogue, officer):
    printer = catalogue.listings["Printer A3"]
    order, proof = catalogue.order("Printer A3", 1, "ocds-terang-1001-ep-10")

    with brownie.reverts(custom_error("SupplierNotVerified", printer.supplier_id)):
        epurchasing.placeOrder(order, proof, {"from": officer})


def test_an_order_worth_more_than_an_escrow_holds_is_refused(epurchasing, catalogue, officer, lkpp):
    laptop = catalogue.listings["Laptop 14 inci"]
    price = 2**80 // (2**32 - 1) + 1  # rupiah a unit: 2**32 - 1 units are worth 2**80 or more
    dear = Listing(product_id_of("EK-SERVER"), laptop.supplier_id, price, 4_500, GOODS, "Server rak")
    catalogue = Catalogue(epurchasing, lkpp, [dear, laptop])
    order, proof = catalogue.order("Server rak", 2**32 - 1, "ocds-terang-1001-ep-13")

    with brownie.reverts(custom_error("EPurchasingValueTooLarge", price * (2**32 - 1))):
        epurchasing.placeOrder(order, proof, {"from": officer})


def test_a_catalogue_publisher_may_not_also_order(epurchasing, catalogue, hub, lkpp, directory):
    """An LKPP official granted the officer role too (the deploy config and the committee may) could
    list a product at a price of its choosing and buy it: the contract refuses its orders."""
    lkpp_agency = directory.agencyOf(lkpp)
    assert lkpp_agency != 0
    # Locally the deployer is still hub admin: it takes over the role's administration to grant it.
    hub.setRoleAdmin(role_id("AGENCY_OFFICER"), 0, {"from": accounts[0]})
    hub.grantRole(role_id("AGENCY_OFFICER"), lkpp, 0, {"from": accounts[0]})
    laptop = catalogue.listings["Laptop 14 inci"]
    inflated = Listing(laptop.product_id, laptop.supplier_id, 10 * LAPTOP_PRICE, 4_500, GOODS, laptop.name)
    own = Catalogue(epurchasing, lkpp, [inflated, catalogue.listings["Kursi kerja"]])
    order, proof = own.order("Laptop 14 inci", 10, "ocds-terang-3001-ep-1", agency=lkpp_agency)

    with brownie.reverts(custom_error("EPurchasingPublisherCannotOrder", lkpp)):
        epurchasing.placeOrder(order, proof, {"from": lkpp})


# --- only EPurchasing records a purchase ---------------------------------------------------------


def test_only_the_epurchasing_contract_holds_the_role_that_records_purchases(hub, epurchasing, tenders):
    role = role_id("E_PURCHASING")
    assert hub.getTargetFunctionRole(tenders, tenders.signatures["recordPurchase"]) == role
    assert tuple(hub.hasRole(role, epurchasing)) == (True, 0)


@pytest.mark.parametrize(
    "caller_index", [0, 1, 4, 11, 19], ids=["admin", "lkpp", "ppk", "treasury", "outsider"]
)
def test_nobody_but_epurchasing_may_record_a_purchase_in_tenders(tenders, catalogue, caller_index):
    caller = accounts[caller_index]
    listing = catalogue.listings["Laptop 14 inci"]
    purchase = (
        "ocds-terang-1001-ep-palsu",
        "Laptop 14 inci",
        h("surat"),
        str(caller),
        IKN,
        GOODS,
        listing.supplier_id,
        1,  # a rupiah: no catalogue proof behind it
        10_000,
    )

    with brownie.reverts(custom_error("AccessManagedUnauthorized", caller)):
        tenders.recordPurchase(purchase, {"from": caller})


def test_a_config_granting_the_purchase_recording_role_to_a_person_is_refused(tmp_path, officer):
    path = tmp_path / "bad.yaml"
    path.write_text(f"grants:\n  E_PURCHASING: [{officer}]\n")
    with pytest.raises(DeployConfigError, match="only the EPurchasing contract holds E_PURCHASING"):
        load_deploy_config(path, [str(a) for a in accounts])


def test_a_tender_cannot_be_announced_as_e_purchasing(kit, officer):
    with brownie.reverts(custom_error("TenderInvalidMethod", E_PURCHASING, LOWEST_PRICE)):
        kit.announce(ocid="ocds-terang-1001-ep-umum", method=E_PURCHASING, by=officer, pokja=False)


# --- pause ---------------------------------------------------------------------------------------


def test_a_paused_epurchasing_takes_no_orders_and_no_catalogue(
    epurchasing, catalogue, officer, lkpp, guardian
):
    epurchasing.pause({"from": guardian})
    order, proof = catalogue.order("Kursi kerja", 1, "ocds-terang-1001-ep-11")

    with brownie.reverts(custom_error("EnforcedPause")):
        epurchasing.placeOrder(order, proof, {"from": officer})
    with brownie.reverts(custom_error("EnforcedPause")):
        epurchasing.publishCatalogue(h("akar"), 1, h("x"), {"from": lkpp})


def test_a_paused_tenders_contract_takes_no_orders(epurchasing, tenders, catalogue, officer, guardian):
    tenders.pause({"from": guardian})
    order, proof = catalogue.order("Kursi kerja", 1, "ocds-terang-1001-ep-12")

    with brownie.reverts(custom_error("EnforcedPause")):
        epurchasing.placeOrder(order, proof, {"from": officer})
