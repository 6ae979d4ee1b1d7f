"""Source verification export (toolchain/sourcify.py): the standard-JSON input written for each
deployed contract recompiles, with the offline solc, to the runtime code on the chain, metadata
hash included (a Sourcify "full match"), and the Sourcify layout holds the metadata and sources.

Recompiling is slow on solc-js (about 10 s a contract): by default the three contracts that cover
every case (a linked library, the contract linking it with EIP-712 immutables, a plain contract);
TERANG_DEEP=1 checks them all."""

from __future__ import annotations

import json
import os

import pytest

from app.protocol.manifest import load_manifest, manifest_path
from toolchain.sourcify import export_all, main

CASES = {"TenderSetup", "Tenders", "AgencyDirectory"}


@pytest.fixture(scope="module")
def exported(manifest_dir, chain_url, tmp_path_factory):
    out = tmp_path_factory.mktemp("verification")
    only = None if os.environ.get("TERANG_DEEP") else CASES
    return out, export_all(manifest_path(manifest_dir, 31337), out, rpc_url=chain_url, only=only)


def test_each_exported_input_recompiles_to_the_deployed_code_with_its_metadata_hash(exported):
    _, index = exported
    assert {e["name"] for e in index} >= CASES
    assert {e["name"]: e["match"] for e in index} == {e["name"]: "full" for e in index}
    assert all(e["checkedAgainst"] == "chain" for e in index)


def test_the_sourcify_folder_holds_the_metadata_and_every_source_it_names(exported, manifest_dir):
    out, index = exported
    tenders = next(e for e in index if e["name"] == "Tenders")
    metadata = json.loads((out / tenders["metadata"]).read_text())
    assert metadata["settings"]["compilationTarget"] == {"contracts/Tenders.sol": "Tenders"}
    folder = (out / tenders["metadata"]).parent
    for path in metadata["sources"]:
        assert (folder / "sources" / path).exists(), path
    # TenderRanking is internal (inlined); the lifecycle's three phases are linked libraries
    manifest = load_manifest(manifest_path(manifest_dir, 31337))
    linked = ("TenderSetup", "TenderEvaluation", "TenderObjections")
    assert tenders["libraries"] == {name: manifest.contracts[name].address for name in linked}


def test_the_standard_json_names_the_compiler_settings_of_the_build(exported):
    out, index = exported
    standard = json.loads((out / index[0]["standardJson"]).read_text())
    assert standard["settings"]["optimizer"] == {"enabled": True, "runs": 200}
    assert standard["settings"]["evmVersion"] == "shanghai"
    assert standard["settings"]["remappings"] == ["@openzeppelin/=node_modules/@openzeppelin/"]
    assert index[0]["compilerVersion"].startswith("v0.8.28")


def test_the_command_writes_inputs_without_recompiling_when_asked(manifest_dir, tmp_path, capsys):
    assert (
        main(["--manifest", str(manifest_path(manifest_dir, 31337)), "--out", str(tmp_path), "--no-check"])
        == 0
    )
    index = json.loads((tmp_path / "index.json").read_text())
    assert {e["name"] for e in index["contracts"]} >= CASES
    assert "not checked" in capsys.readouterr().out


def test_without_a_node_a_contract_linked_to_a_library_matches_its_build_artifact(manifest_dir, tmp_path):
    """The artifact holds solc's `__$<hash>$__` placeholders where the library's address goes; they are
    filled from its link references, so `make sourcify` without a node checks Tenders too."""
    index = export_all(manifest_path(manifest_dir, 31337), tmp_path, only={"Tenders"})
    assert [(e["checkedAgainst"], e["match"]) for e in index] == [("build artifact", "full")]
