"""Anchored archives (contracts/Archives.sol): a data officer anchors the Merkle root of an imported
archive with its record count and metadata hash; the archive is stored for ever under the next id,
with the officer and the time. The insider attacks: an agency officer or an outsider anchoring an
archive of their own, an empty or rootless archive (nothing anyone could prove against), an unknown
kind, anchoring while the guardian has paused the contract."""

from __future__ import annotations

import brownie
import pytest
from brownie import accounts, web3

from app.protocol.roles import role_id
from tests.contracts.revert_messages import custom_error

DATA_OFFICER = 1  # deploy/local.yaml: the LKPP official holds DATA_OFFICER locally
LEGACY, PLAN, SUPPLIERS, CATALOGUE = 0, 1, 2, 3  # IArchives.ArchiveKind
ROOT = web3.keccak(text="akar pohon Merkle arsip SPSE 2019")
METADATA = web3.keccak(text='{"source":"spse","period":"2019"}')


@pytest.fixture(scope="module")
def archives(suite):
    return suite.contracts["Archives"]


@pytest.fixture(scope="module")
def data_officer(hub):
    account = accounts[DATA_OFFICER]
    assert hub.hasRole(role_id("DATA_OFFICER"), account)[0]
    return account


def test_a_data_officer_anchors_an_archive_and_the_chain_keeps_it(archives, data_officer):
    assert archives.archiveCount() == 0
    tx = archives.anchorArchive(LEGACY, ROOT, 100_000, METADATA, {"from": data_officer})
    event = tx.events["ArchiveAnchored"]
    assert event["archiveId"] == 1 and event["kind"] == LEGACY
    assert event["root"] == web3.to_hex(ROOT) and event["metadataHash"] == web3.to_hex(METADATA)
    assert (event["recordCount"], event["officer"]) == (100_000, data_officer)

    stored = archives.getArchive(1)
    assert stored["root"] == web3.to_hex(ROOT) and stored["metadataHash"] == web3.to_hex(METADATA)
    assert (stored["recordCount"], stored["officer"], stored["kind"]) == (100_000, data_officer, LEGACY)
    assert stored["anchoredAt"] == tx.timestamp
    assert archives.archiveCount() == 1


def test_every_kind_is_accepted_and_ids_follow_each_other(archives, data_officer):
    for expected_id, kind in enumerate((LEGACY, PLAN, SUPPLIERS, CATALOGUE), start=1):
        tx = archives.anchorArchive(kind, ROOT, 1, METADATA, {"from": data_officer})
        assert tx.events["ArchiveAnchored"]["archiveId"] == expected_id
        assert archives.getArchive(expected_id)["kind"] == kind
    assert archives.archiveCount() == 4


def test_an_anchored_archive_cannot_be_overwritten_by_anchoring_again(archives, data_officer):
    archives.anchorArchive(LEGACY, ROOT, 10, METADATA, {"from": data_officer})
    other = web3.keccak(text="akar lain")
    archives.anchorArchive(LEGACY, other, 11, METADATA, {"from": data_officer})
    assert archives.getArchive(1)["root"] == web3.to_hex(ROOT) and archives.getArchive(1)["recordCount"] == 10
    assert archives.getArchive(2)["root"] == web3.to_hex(other)


@pytest.mark.parametrize(
    "who", [4, 6, 14, 15, 19], ids=["ikn-ppk", "pu-officer", "auditor", "tkdn", "outsider"]
)
def test_only_a_data_officer_anchors(archives, who):
    account = accounts[who]
    with brownie.reverts(custom_error("AccessManagedUnauthorized", account)):
        archives.anchorArchive(LEGACY, ROOT, 1, METADATA, {"from": account})
    assert archives.archiveCount() == 0


def test_the_hub_maps_anchoring_to_the_data_officer_role(hub, archives):
    selector = archives.signatures["anchorArchive"]
    assert hub.getTargetFunctionRole(archives, selector) == role_id("DATA_OFFICER")


def test_a_zero_root_is_refused(archives, data_officer):
    with brownie.reverts(custom_error("ArchiveZeroRoot")):
        archives.anchorArchive(LEGACY, b"\x00" * 32, 1, METADATA, {"from": data_officer})


def test_an_empty_archive_is_refused(archives, data_officer):
    with brownie.reverts(custom_error("ArchiveEmpty")):
        archives.anchorArchive(LEGACY, ROOT, 0, METADATA, {"from": data_officer})


def test_an_archive_without_metadata_is_refused(archives, data_officer):
    with brownie.reverts(custom_error("ArchiveMissingMetadata")):
        archives.anchorArchive(LEGACY, ROOT, 1, b"\x00" * 32, {"from": data_officer})


def test_an_unknown_kind_is_refused(archives, data_officer):
    with brownie.reverts(custom_error("ArchiveUnknownKind", 4)):
        archives.anchorArchive(4, ROOT, 1, METADATA, {"from": data_officer})


def test_unknown_ids_are_refused(archives, data_officer):
    archives.anchorArchive(LEGACY, ROOT, 1, METADATA, {"from": data_officer})
    for missing in (0, 2):
        with brownie.reverts(custom_error("ArchiveUnknown", missing)):
            archives.getArchive(missing)


def test_the_guardian_pauses_anchoring_and_views_keep_answering(
    archives, data_officer, guardian, committee, delayed
):
    archives.anchorArchive(LEGACY, ROOT, 1, METADATA, {"from": data_officer})
    archives.pause({"from": guardian})
    with brownie.reverts(custom_error("EnforcedPause")):
        archives.anchorArchive(LEGACY, ROOT, 1, METADATA, {"from": data_officer})
    assert archives.getArchive(1)["recordCount"] == 1 and archives.archiveCount() == 1

    delayed(committee, archives, "unpause")
    archives.anchorArchive(LEGACY, ROOT, 2, METADATA, {"from": data_officer})
    assert archives.archiveCount() == 2


def test_a_data_officer_cannot_pause(archives, data_officer):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", data_officer)):
        archives.pause({"from": data_officer})
