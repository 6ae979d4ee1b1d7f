"""The gateway's own calldata encoder (app/ledger/calldata.py) gives web3's bytes for every function of
every deployed contract, for arguments generated from the ABI; and refuses what web3 refuses."""

from __future__ import annotations

import re

import pytest
from eth_utils import to_checksum_address
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web3 import Web3

from app.ledger.calldata import CalldataError, calldata
from app.protocol.manifest import load_manifest, manifest_path


def value_of(param: dict) -> st.SearchStrategy:
    kind = param["type"]
    array = re.match(r"^(.*)\[(\d*)\]$", kind)
    if array:
        element = value_of({**param, "type": array.group(1)})
        size = int(array.group(2)) if array.group(2) else None
        return st.lists(element, min_size=size or 0, max_size=size or 3)
    if kind == "tuple":
        return st.tuples(*(value_of(c) for c in param["components"]))
    if kind.startswith("uint"):
        return st.integers(0, 2 ** int(kind[4:] or 256) - 1)
    if kind.startswith("int"):
        bits = int(kind[3:] or 256)
        return st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if kind == "address":
        return st.binary(min_size=20, max_size=20).map(to_checksum_address)
    if kind == "bool":
        return st.booleans()
    if kind == "string":
        return st.text(max_size=40)
    if kind == "bytes":
        return st.binary(max_size=70)
    size = int(kind[5:])  # bytesN, as bytes or as a hex string (both are accepted)
    raw = st.binary(min_size=size, max_size=size)
    return st.one_of(raw, raw.map(Web3.to_hex))


@pytest.fixture(scope="module")
def functions(chain_url, manifest_dir):
    manifest = load_manifest(manifest_path(manifest_dir, 31337))
    w3 = Web3(Web3.HTTPProvider(chain_url))
    found = []
    for _, deployed in sorted(manifest.contracts.items()):
        contract = w3.eth.contract(address=Web3.to_checksum_address(deployed.address), abi=deployed.abi)
        found += [(contract, item) for item in deployed.abi if item.get("type") == "function"]
    assert len(found) > 100  # the whole suite, not a few functions
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_function_is_encoded_as_web3_encodes_it(functions, data):
    contract, item = data.draw(st.sampled_from(functions))
    args = [data.draw(value_of(p)) for p in item["inputs"]]
    expected = bytes.fromhex(contract.encode_abi(item["name"], args)[2:])
    assert calldata(contract, item["name"], args) == expected


def test_a_short_bytes32_is_refused_like_web3_refuses_it(functions):
    # (address, bytes32 tender, bytes32 commitment, bytes envelope, bytes32 replaces, nonce, deadline, bytes)
    contract, item = next((c, i) for c, i in functions if i["name"] == "commitBidBySig")
    args = [
        to_checksum_address("0x" + "11" * 20),
        b"\x01" * 31,
        b"\x02" * 32,
        b"\x01",
        b"\x00" * 32,
        0,
        0,
        b"",
    ]
    with pytest.raises(CalldataError, match="expected 32 bytes"):
        calldata(contract, item["name"], args)
    with pytest.raises(Exception):  # noqa: B017 (web3's own validation error)
        contract.encode_abi(item["name"], args)


def test_a_wrong_number_of_arguments_is_refused(functions):
    contract, item = next((c, i) for c, i in functions if i["name"] == "commitBidBySig")
    with pytest.raises(CalldataError, match="expected 8 arguments"):
        calldata(contract, item["name"], [1, 2])


def test_a_bid_opening_with_value_shares_is_encoded_as_web3_encodes_it(functions):
    """The quorum opening's argument: a BidOpening whose products are (productId, shareBps) tuples,
    given as tuples or as dicts by field name."""
    contract, item = next((c, i) for c, i in functions if i["name"] == "openSealedBid")
    products = [(b"\x01" * 32, 6000), (b"\x02" * 32, 4000)]
    opening = (1_800_000_000, products, b"\x05" * 32, b"\x00" * 32, 7, b"\x0e" * 32)
    expected = bytes.fromhex(contract.encode_abi("openSealedBid", [b"\x0a" * 32, 3, opening])[2:])
    assert calldata(contract, item["name"], [b"\x0a" * 32, 3, opening]) == expected
    named = {
        "price": opening[0],
        "products": [{"productId": p, "shareBps": share} for p, share in products],
        "salt": opening[2],
        "bidBondRef": opening[3],
        "commitSeq": opening[4],
        "envelopeHash": opening[5],
    }
    assert calldata(contract, item["name"], [b"\x0a" * 32, 3, named]) == expected
