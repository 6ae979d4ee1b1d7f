"""E-Purchasing through the REST API, on the live local chain: LKPP's official imports an e-Katalog
snapshot (its Merkle root published on chain with the official's own key), anyone lists its products,
an IKN officer orders 50 laptops by product code (the gateway proves the listing from the stored
snapshot), and the order becomes a contract like any award: the PPK creates the escrow, the provider
countersigns (relayed), two verifiers attest, the PPK approves, the treasury settles the payment
instruction as the payment bridge does on the provider's callback. The explorer shows the order as
a process with method e-Purchasing, its product, unit price, quantity and TKDN and the paid amount;
the OCDS record shows it as a limited procurement with its item.

Refused before the chain, each with a stable code: a snapshot listing a code twice, an unknown
product, a price other than the catalogue's, another agency's order, the wrong role; and, since an
order spends a procurement plan package (RUP) planned for E-Purchasing, an order citing no package,
an unknown one, a package planned for a tender, another agency's or one not announced, an order
above the package's pagu, and an order above what the package's earlier orders left of it."""

from __future__ import annotations

import re
import uuid

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner
from web3 import Web3

from app.catalogue.schemas import CatalogueSnapshotIn
from app.main import create_app
from app.ocds.schema import release_schema
from app.protocol import escrow as escrowlib
from app.protocol import vocabulary
from app.protocol.bids import tender_id
from app.protocol.manifest import load_manifest
from tests.gateway.test_ocds import assert_valid
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc
from tests.support.plans import import_plan
from tests.support.tender_scenario import DAY, Scenario
from toolchain.dev_signers import development_keys

RUN = uuid.uuid4().hex[:8]
OCID = f"ocds-terang-1001-ep-{RUN}"
PROVIDER, TREASURY, PPHP_ANI, PPHP_BUDI, PPHP_CITRA = 16, 11, 8, 9, 10  # dev indices
LAPTOP = f"EK-LAPTOP-14-{RUN}"
PRICE, QUANTITY = 20_000_000, 50
AWARDED = vocabulary.enum("ITenders.TenderStatus").code("Awarded")
E_PURCHASING = vocabulary.enum("ITenders.Method").code("EPurchasing")
SETTLED = vocabulary.enum("IPayments.PaymentStatus").code("Settled")
PROBLEM = "application/problem+json"
RUP = f"EP{RUN}"  # the IKN package planned for E-Purchasing: 52 laptops' worth
PAGU = PRICE * (QUANTITY + 2)


def key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def h(text: str) -> str:
    return Web3.to_hex(Web3.keccak(text=text))


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    assert response.json()["code"] == code, response.json()
    return response.json()


@pytest.fixture(scope="module")
def story(settings, token, chain_url, manifest_dir):
    manifest = load_manifest(manifest_dir / "31337.json")
    scenario = Scenario(chain_url, manifest)
    provider = scenario.supplier(PROVIDER, "pt-surya-nusantara")
    own = settings.model_copy(update={"indexer_enabled": False})
    with TestClient(create_app(own)) as client:
        import_plan(client.app, [rup_row(RUP, PAGU), rup_row(f"TD{RUN}", PAGU, metode="Tender")])
        import_plan(client.app, [rup_row(f"DR{RUN}", PAGU, status_umumkan_rup=False)])
        import_plan(client.app, [rup_row(f"PU{RUN}", PAGU, agency_id=1002)])
        yield {
            "client": client,
            "chain_url": chain_url,
            "scenario": scenario,
            "provider": provider,
            "keys": development_keys(chain_url),
            "epurchasing": scenario.contract("EPurchasing"),
            "escrow": scenario.contract("MilestoneEscrow"),
            "payments": scenario.contract("Payments"),
            "lkpp": token("CATALOGUE_PUBLISHER", agency=3001, sub="lkpp-katalog"),
            "officer": token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn"),
            "other_officer": token("AGENCY_OFFICER", agency=1002, sub="ppk-pu"),
            "ani": token("VERIFIER", sub="pphp-1"),
            "budi": token("VERIFIER", sub="pphp-2"),
            "supplier": token(supplier=provider, sub="pt-surya-nusantara"),
        }


def rup_row(code: str, pagu: int, **overrides) -> dict:
    """A SIRUP row of IKN (1001) planned for E-Purchasing, imported as LKPP's data officer does."""
    return {
        "kd_rup": code,
        "kd_satker": "690123",
        "agency_id": 1001,
        "nama_paket": "Pengadaan laptop kantor",
        "pagu": pagu,
        "sumber_dana": "APBN",
        "metode": "E-Purchasing",
        "tahun_anggaran": 2026,
        "status_umumkan_rup": True,
        **overrides,
    }


def post(story, path: str, who: str | None, body=None):
    auth = story[who] if who else {}
    return story["client"].post(path, json=body, headers={**auth, **key()})


def snapshot(story) -> dict:
    provider = story["provider"]
    return {
        "products": [
            {
                "code": LAPTOP,
                "supplierId": provider,
                "unitPrice": PRICE,
                "tkdnBps": 4500,
                "category": "goods",
                "name": "Laptop 14 inci",
            },
            {
                "code": f"EK-MEJA-{RUN}",
                "supplierId": provider,
                "unitPrice": 2_500_000,
                "tkdnBps": 8000,
                "category": "goods",
                "name": "Meja kerja",
            },
            {
                "code": f"EK-KURSI-{RUN}",
                "supplierId": provider,
                "unitPrice": 1_200_000,
                "tkdnBps": 7500,
                "category": "goods",
                "name": "Kursi kerja",
            },
        ]
    }


def order_body(**overrides) -> dict:
    body = {
        "ocid": OCID,
        "agencyId": 1001,
        "productCode": LAPTOP,
        "unitPrice": PRICE,
        "quantity": QUANTITY,
        "documentHash": h(f"surat pesanan {OCID}"),
        "rupCode": RUP,
    }
    return {key: value for key, value in {**body, **overrides}.items() if value is not None}


def test_01_only_lkpp_imports_a_catalogue_and_a_code_listed_twice_is_refused(story):
    body = snapshot(story)
    problem(story["client"].post("/catalogue/snapshots", json=body, headers=key()), 401, "unauthenticated")
    problem(post(story, "/catalogue/snapshots", "officer", body), 403, "forbidden_role")
    twice = {"products": body["products"] + body["products"][:1]}
    problem(post(story, "/catalogue/snapshots", "lkpp", twice), 422, "catalogue_invalid")


def test_01_a_listing_the_database_cannot_store_is_refused_before_the_chain(story):
    """Refused before the root is published: stored only afterwards, it would leave the catalogue in
    force on chain without the products the gateway proves orders from (every order then stale)."""
    before = story["epurchasing"].functions.currentCatalogue().call()
    for field, value in (("unitPrice", 2**63), ("supplierId", 2**63), ("name", "Laptop\x00 14 inci")):
        body = snapshot(story)
        body["products"][0][field] = value
        problem(post(story, "/catalogue/snapshots", "lkpp", body), 422, "invalid_request")
    assert story["epurchasing"].functions.currentCatalogue().call() == before


def test_a_listing_name_with_control_characters_is_refused():
    listing = {"code": "EK-1", "supplierId": 1, "unitPrice": 1, "tkdnBps": 0, "name": "Meja"}
    assert CatalogueSnapshotIn.model_validate({"products": [listing]}).products[0].name == "Meja"
    for name in ("Meja\x00", "Meja\nkerja", "\x7f"):
        with pytest.raises(ValidationError):
            CatalogueSnapshotIn.model_validate({"products": [{**listing, "name": name}]})


def test_re_importing_a_file_published_before_is_not_reported_as_published(tmp_path, monkeypatch):
    """The CLI's key is the file's hash: importing catalogue 1's file again after catalogue 2 (e.g. to
    undo a wrong price list) replays catalogue 1's answer and publishes nothing. The CLI says so and
    exits 1, not "published"; --again publishes it anew under a key naming the catalogue in force."""
    import httpx

    from app.cli.main import app as terang

    file = tmp_path / "katalog.json"
    file.write_text('{"products": []}')
    published = {"catalogueId": 1, "products": 3, "root": "0x01", "transactionHash": "0x02"}
    keys = []

    def post(url, json, headers, timeout):
        keys.append(headers["Idempotency-Key"])
        replay = {"Idempotent-Replayed": "true"} if len(keys) == 1 else {}
        return httpx.Response(201, json={**published, "catalogueId": len(keys) * 2 - 1}, headers=replay)

    def get(url, params, headers, timeout):
        return httpx.Response(200, json={"catalogueId": 2, "total": 0, "offset": 0, "limit": 1, "items": []})

    monkeypatch.setattr(httpx, "post", post)
    monkeypatch.setattr(httpx, "get", get)
    env = {"TERANG_TOKEN": "t", "TERANG_URL": "http://gateway"}

    replayed = CliRunner().invoke(terang, ["catalogue", "import", str(file)], env=env)
    assert replayed.exit_code == 1, replayed.output
    assert "catalogue 2 is in force" in replayed.output and "--again" in replayed.output

    anew = CliRunner().invoke(terang, ["catalogue", "import", str(file), "--again"], env=env)
    assert anew.exit_code == 0, anew.output
    assert "catalogue 3 published" in anew.output
    assert keys[1] == keys[0] + "-after-2"


def test_02_lkpp_publishes_the_snapshot_root_with_its_own_key(story):
    published = post(story, "/catalogue/snapshots", "lkpp", snapshot(story))
    assert published.status_code == 201, published.text
    result = published.json()
    assert result["products"] == 3
    on_chain = story["epurchasing"].functions.getCatalogue(result["catalogueId"]).call()
    assert Web3.to_hex(on_chain[0]) == result["root"]
    assert on_chain[4] == story["scenario"].accounts[1]  # the LKPP official (dev:1), not a shared key
    assert story["epurchasing"].functions.currentCatalogue().call() == result["catalogueId"]
    story["catalogue"] = result["catalogueId"]


def test_03_anyone_lists_the_products_in_force_page_by_page(story):
    page = story["client"].get("/catalogue/products", params={"limit": 2, "offset": 0})
    assert page.status_code == 200, page.text
    first = page.json()
    assert (first["catalogueId"], first["total"], len(first["items"])) == (story["catalogue"], 3, 2)
    rest = story["client"].get("/catalogue/products", params={"limit": 2, "offset": 2}).json()
    codes = {i["code"] for i in first["items"] + rest["items"]}
    assert LAPTOP in codes and len(codes) == 3
    laptop = next(i for i in first["items"] + rest["items"] if i["code"] == LAPTOP)
    assert (laptop["unitPrice"], laptop["tkdnBps"], laptop["supplierId"]) == (PRICE, 4500, story["provider"])
    assert laptop["productId"] == Web3.to_hex(Web3.keccak(text=LAPTOP))


def test_04_an_order_is_refused_for_an_unknown_product_another_price_or_another_agency(story):
    problem(post(story, "/catalogue/orders", "officer", order_body(productCode="EK-TIDAK-ADA")), 404,
            "product_not_in_catalogue")  # fmt: skip
    problem(
        post(story, "/catalogue/orders", "officer", order_body(unitPrice=PRICE + 1)), 409, "price_mismatch"
    )
    problem(
        post(story, "/catalogue/orders", "officer", order_body(unitPrice=PRICE - 1)), 409, "price_mismatch"
    )
    problem(post(story, "/catalogue/orders", "other_officer", order_body()), 403, "wrong_agency")
    problem(post(story, "/catalogue/orders", "supplier", order_body()), 403, "forbidden_role")
    problem(
        post(story, "/catalogue/orders", "officer", order_body(ocid="lain-1001-1")),
        422,
        "ocid_prefix_mismatch",
    )


@pytest.mark.parametrize(
    ("rup", "quantity", "status", "code"),
    [
        (None, QUANTITY, 422, "invalid_request"),
        (f"XX{RUN}", QUANTITY, 422, "rup_unknown"),
        (f"TD{RUN}", QUANTITY, 422, "rup_not_e_purchasing"),
        (f"DR{RUN}", QUANTITY, 422, "rup_not_announced"),
        (f"PU{RUN}", QUANTITY, 403, "rup_other_agency"),
        (RUP, QUANTITY + 3, 422, "order_above_pagu"),
    ],
)
def test_04_an_order_outside_its_e_purchasing_package_is_refused(story, rup, quantity, status, code):
    body = order_body(ocid=f"{OCID}-{code}", rupCode=rup, quantity=quantity)
    problem(post(story, "/catalogue/orders", "officer", body), status, code)
    assert story["client"].get(f"/plans/{RUP}").json()["orders"] == []


def test_05_the_officer_orders_at_the_catalogue_price_and_the_order_is_an_award(story):
    ordered = post(story, "/catalogue/orders", "officer", order_body())
    assert ordered.status_code == 201, ordered.text
    result = ordered.json()
    assert (result["value"], result["quantity"], result["tkdnBps"]) == (PRICE * QUANTITY, QUANTITY, 4500)
    assert result["supplierId"] == story["provider"]
    tender = story["scenario"].tender_data(tender_id(OCID))
    assert (tender["status"], tender["method"], tender["winner"]) == (
        AWARDED,
        E_PURCHASING,
        story["provider"],
    )
    problem(post(story, "/catalogue/orders", "officer", order_body()), 409, "TenderAlreadyExists")


def test_05_a_package_holds_several_orders_within_its_pagu_together(story):
    """50 laptops are ordered on the 52 laptops' pagu: 3 more are refused, 2 more are ordered, then
    not even 1 more."""
    more = order_body(ocid=f"{OCID}-2", quantity=3, documentHash=h(f"surat pesanan {OCID}-2"))
    problem(post(story, "/catalogue/orders", "officer", more), 409, "rup_pagu_exhausted")
    placed = post(story, "/catalogue/orders", "officer", {**more, "quantity": 2})
    assert placed.status_code == 201, placed.text
    last = order_body(ocid=f"{OCID}-3", quantity=1, documentHash=h(f"surat pesanan {OCID}-3"))
    problem(post(story, "/catalogue/orders", "officer", last), 409, "rup_pagu_exhausted")
    orders = story["client"].get(f"/plans/{RUP}").json()["orders"]
    assert sorted((o["ocid"], o["value"]) for o in orders) == [
        (OCID, PRICE * QUANTITY),
        (f"{OCID}-2", PRICE * 2),
    ]


def test_05_posting_a_placed_order_again_smaller_frees_none_of_its_pagu(story):
    """An officer posts the placed 50-laptop order again for 1 laptop: the chain refuses the ocid, and
    the order's reservation stays at 50, so the package's pagu is still used up."""
    again = post(story, "/catalogue/orders", "officer", order_body(quantity=1))
    problem(again, 409, "TenderAlreadyExists")
    orders = story["client"].get(f"/plans/{RUP}").json()["orders"]
    assert (OCID, PRICE * QUANTITY) in [(o["ocid"], o["value"]) for o in orders]
    big = order_body(ocid=f"{OCID}-4", quantity=QUANTITY, documentHash=h(f"surat pesanan {OCID}-4"))
    problem(post(story, "/catalogue/orders", "officer", big), 409, "rup_pagu_exhausted")


def test_06_the_order_becomes_a_contract_and_its_milestone_payment_is_settled(story):
    scenario, accounts, value = story["scenario"], story["scenario"].accounts, PRICE * QUANTITY
    now = scenario.now()
    creation = {
        "ocid": OCID,
        "terms": {
            "advanceAmount": 0,
            "advanceGuaranteeRef": "0x" + "00" * 32,
            "performanceBondRef": h("jaminan pelaksanaan"),
            "retentionBps": 0,
            "penaltyPpmPerDay": 1000,
            "penaltyCapBps": 500,
            "maintenancePeriod": 0,
            "quorum": 2,
            "verifiers": [accounts[i] for i in (PPHP_ANI, PPHP_BUDI, PPHP_CITRA)],
        },
        "milestones": [{"shareBps": 10_000, "dueDate": now + 30 * DAY, "deliverableHash": h("laptop")}],
    }
    created = post(story, "/escrows", "officer", creation)
    assert created.status_code == 201, created.text
    escrow_id = created.json()["escrowId"]
    assert created.json()["value"] == value

    signer = story["keys"][PROVIDER]
    signed = escrowlib.sign_countersign(
        signer,
        chain_id=31337,
        verifying_contract=story["escrow"].address,
        escrow_id=escrow_id,
        terms_hash=created.json()["termsHash"],
        nonce=story["escrow"].functions.nonces(Account.from_key(signer).address).call(),
        deadline=now + 3600,
    )
    countersign = {
        "supplier": signed.supplier,
        "nonce": signed.nonce,
        "deadline": signed.deadline,
        "signature": Web3.to_hex(signed.signature),
    }
    signed_up = post(story, f"/escrows/{escrow_id}/countersignature", "supplier", countersign)
    assert signed_up.status_code == 201, signed_up.text

    bast = {"evidenceHash": h(f"BAST {OCID}"), "deliveredAt": scenario.now()}
    for verifier in ("ani", "budi"):
        attested = post(story, f"/escrows/{escrow_id}/milestones/0/attestations", verifier, bast)
        assert attested.status_code == 201, attested.text
    approved = post(story, f"/escrows/{escrow_id}/milestones/0/approval", "officer")
    assert approved.status_code == 200, approved.text
    payment = approved.json()["paymentId"]
    assert approved.json()["net"] > 0

    # The bridge, on the provider's success callback, settles with the treasury's key.
    payments = story["payments"]
    attempt = payments.functions.getInstruction(payment).call()
    names = [
        c["name"] for c in payments.get_function_by_name("getInstruction").abi["outputs"][0]["components"]
    ]
    attempt = dict(zip(names, attempt, strict=True))["attempt"]
    scenario.send(payments.functions.settle(payment, attempt, Web3.keccak(text=f"payout {OCID}")), TREASURY)
    assert payments.functions.statusOf(payment).call() == SETTLED
    story["net"] = approved.json()["net"]


def test_07_the_explorer_and_ocds_show_the_order_and_its_settled_payment(story, settings):
    head = int(rpc(story["chain_url"], "eth_blockNumber"), 16)
    with TestClient(create_app(settings.model_copy(update={"indexer_enabled": True}))) as web:
        wait_until_indexed(lambda: web.get("/health").json(), head)
        page = web.get(f"/explorer/tenders/{OCID}", params={"lang": "en"}).text
        record = web.get(f"/ocds/records/{OCID}").json()
        releases = web.get(f"/ocds/releases/{OCID}").json()["releases"]
    assert '<h1 id="tender-title">Laptop 14 inci</h1>' in page
    assert re.search(r'id="tender-method">E-Purchasing \(e-Katalog\)<', page)
    assert 'id="order-quantity">50<' in page
    assert 'id="order-tkdn">45.00%<' in page
    assert 'data-step="order"' in page
    assert 'id="tender-paid"' in page
    assert 'data-step="payment_settled"' in page
    flags = re.search(r'<div class="flags-box">(.*?)</div>', page, re.S).group(1)
    assert "T001" not in flags  # the catalogue price is no "winning bid at the HPS"
    compiled = record["records"][0]["compiledRelease"]
    for release in [*releases, compiled]:  # valid OCDS 1.1 with the bids and Terang extensions
        assert_valid(release_schema(), release)
    assert compiled["tender"]["procurementMethod"] == "limited"
    budget = compiled["planning"]["budget"]  # the RUP package the order spends
    assert (budget["id"], budget["amount"]["amount"]) == (RUP, PAGU)
    assert compiled["tender"]["procurementMethodDetails"] == "E-Purchasing (e-Katalog)"
    (item,) = compiled["tender"]["items"]
    assert (item["quantity"], item["unit"]["value"]["amount"]) == (QUANTITY, PRICE)
    assert compiled["awards"][0]["value"]["amount"] == PRICE * QUANTITY
    assert compiled["awards"][0]["suppliers"][0]["id"].endswith(str(story["provider"]))
