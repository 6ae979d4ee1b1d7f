"""The e-Katalog guide (docs/guides/e-katalog.en.md and .id.md), run the way its reader runs it: on
the system `make run --no-pilot` starts, every ```sh block of the English guide, in order, in one
bash with `set -euo pipefail`, from the repository's root, with only the environment the guide
documents (TERANG_URL, TERANG_TOKENS). Each block must exit 0, and afterwards the chain must hold
what the guide says: a published catalogue and the order, awarded to the provider at the catalogue
price. The Indonesian guide carries the very same commands."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from web3 import Web3

from app.protocol import vocabulary
from app.protocol.bids import tender_id
from app.protocol.manifest import load_manifest
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.local_system import local_system

ENGLISH, INDONESIAN = GUIDES / "e-katalog.en.md", GUIDES / "e-katalog.id.md"
AWARDED = vocabulary.enum("ITenders.TenderStatus").code("Awarded")
E_PURCHASING = vocabulary.enum("ITenders.Method").code("EPurchasing")


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) >= 6


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages of the same names)")
    with local_system(tmp_path_factory.mktemp("guide")) as system:
        ran = run_guide(
            ENGLISH,
            {"TERANG_URL": system.gateway_url, "TERANG_TOKENS": str(system.state / "dev-tokens.json")},
            tmp_path_factory.mktemp("script"),
            epilogue='echo "@@ocid $OCID"',
            timeout=300,
        )
        web3 = Web3(Web3.HTTPProvider(system.chain_url))
        manifest = load_manifest(system.manifest)
        contracts = {
            name: web3.eth.contract(address=manifest.address(name), abi=manifest.contracts[name].abi)
            for name in ("Tenders", "EPurchasing")
        }
        yield {"contracts": contracts, "stdout": ran.stdout, "stderr": ran.stderr}


def test_every_block_runs_and_the_order_is_awarded_at_the_catalogue_price(walked):
    ocid = re.search(r"^@@ocid (\S+)$", walked["stdout"], re.M).group(1)
    tenders, epurchasing = walked["contracts"]["Tenders"], walked["contracts"]["EPurchasing"]
    assert epurchasing.functions.currentCatalogue().call() >= 1
    tender = tenders.functions.getTender(tender_id(ocid)).call()
    outputs = [c["name"] for c in tenders.get_function_by_name("getTender").abi["outputs"][0]["components"]]
    tender = dict(zip(outputs, tender, strict=True))
    assert (tender["status"], tender["method"]) == (AWARDED, E_PURCHASING)
    assert tenders.functions.getBid(tender_id(ocid), tender["winner"]).call()[1] == 50 * 20_000_000


def test_the_refusals_came_back_with_their_codes_and_ocds_shows_the_order(walked):
    for code in (
        "price_mismatch",
        "product_not_in_catalogue",
        "wrong_agency",
        "forbidden_role",
        "rup_unknown",
        "order_above_pagu",
        "rup_pagu_exhausted",
    ):
        assert f"refused: {code}" in walked["stdout"]
    published = re.search(
        r"^katalog (\d+) terbit / catalogue \d+ published: 2 produk", walked["stdout"], re.M
    )
    assert published, walked["stdout"]
    record = json.loads(walked["stdout"].strip().splitlines()[-2])
    assert record["method"] == "limited" and record["details"] == "E-Purchasing (e-Katalog)"
    assert record["items"] == [{"quantity": 50, "unit": 20_000_000}] and record["award"] == 1_000_000_000
