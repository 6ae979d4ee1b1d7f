"""The data officers' guide to legacy imports (docs/guides/legacy-import.en.md and .id.md), run the way
its reader runs it: every ```sh block of the English guide, in order, in one bash with
`set -euo pipefail`, from the repository's root, against the local chain with the suite deployed, with
only the environment the guide documents (the chain's URL, the database, the signers file, the
manifests' folder, the data officer's account). Each block must exit 0: its `if ...; then exit 1; fi`
lines check the refusals (another file under an archive's name, a tampered copy of the export, a
record changed in the database, a malformed file), and afterwards the chain holds the archive the
guide anchored, with the root of the guide's three records. The Indonesian guide carries the very
same commands."""

from __future__ import annotations

import csv
import io
import re

import pytest

from app.archives.sources import spse_release
from app.ledger.client import connect
from app.protocol import merkle
from app.protocol.archives import canonical, record_leaf
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands, sh_blocks
from tests.support.localchain import ROOT

ENGLISH, INDONESIAN = GUIDES / "legacy-import.en.md", GUIDES / "legacy-import.id.md"
ANCHORED = re.compile(r"ditambatkan/anchored: arsip #(\d+)")


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) >= 8


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


def test_the_guide_is_listed_with_the_other_guides():
    assert "guides/legacy-import.id.md" in (ROOT / "docs" / "README.md").read_text()


@pytest.fixture(scope="module")
def walked(settings, dev_config, tmp_path_factory):
    officer = next(g.account for g in dev_config.grants if g.role == "DATA_OFFICER")
    database = tmp_path_factory.mktemp("guide-db") / "gateway.db"
    return run_guide(
        ENGLISH,
        {
            "TERANG_RPC_URL": settings.rpc_url,
            "TERANG_DATABASE_URL": f"sqlite:///{database}",
            "TERANG_SIGNERS_FILE": str(settings.signers_file),
            "TERANG_MANIFEST_DIR": str(settings.manifest_dir),
            "TERANG_OFFICER": officer,
        },
        tmp_path_factory.mktemp("guide-script"),
        timeout=300,
    )


def test_the_guide_anchors_the_root_of_its_three_records(walked, settings):
    (archive_id,) = ANCHORED.findall(walked.stdout)  # the second import only says where it is
    block = sh_blocks(ENGLISH)[1]
    rows = list(csv.DictReader(io.StringIO(block.split("<<'CSV'\n")[1].split("CSV\n")[0])))
    leaves = [
        record_leaf(0, i, canonical(spse_release(row, i + 2, "ocds-terang"))) for i, row in enumerate(rows)
    ]
    root, _, count, _, _, kind = (
        connect(settings).contract("Archives").functions.getArchive(int(archive_id)).call()
    )
    assert (bytes(root), count, kind) == (merkle.root(leaves), 3, 0)


def test_every_refusal_of_the_guide_was_one_line_naming_what_changed(walked):
    errors = [line for line in walked.stderr.splitlines() if line.startswith("error: ")]
    assert any("sudah diimpor dari berkas lain" in line for line in errors), errors
    assert any("ocds-terang-spse-20001" in line for line in errors), errors  # the raised contract value
    assert any("ocds-terang-spse-20002" in line for line in errors), errors  # the record changed in the DB
    assert any("baris 2: bukan JSON yang sah" in line for line in errors), errors
    assert "Traceback" not in walked.stderr
    assert "DIUBAH/TAMPERED #0 (baris/line 2) ocds-terang-spse-20001" in walked.stdout
