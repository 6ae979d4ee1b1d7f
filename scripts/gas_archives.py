"""Gas of anchoring imported archives: the data officer anchors the Merkle root of a 100,000-record
archive of past processes (the first archive, then a second), on a suite deployed by `deploy_suite`.
Called by scripts/gas_report.py (`make gas`), which writes bench/gas.json and docs/gas.md; runnable
alone:

    brownie run scripts/gas_archives.py --network terang-anvil
"""

from __future__ import annotations

import sys
from pathlib import Path

from brownie import accounts, web3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.protocol.archives import LEGACY_PROCESSES  # noqa: E402

FIRST = "anchorArchive (first archive, 100,000 records)"
LATER = "anchorArchive (a later archive)"
TARGETS = {FIRST: 160_000, LATER: 140_000}
NOTES = {
    FIRST: (
        "once per archive, whatever its size: four new storage words (the root, the metadata hash, the "
        "count with the time, the officer with the kind; about 22,100 gas each), the archives' length "
        "from zero (the later archive's row shows the cost without it) and the ArchiveAnchored event"
    ),
}


def measure(suite) -> dict[str, int]:
    """Runs the scenario on `suite` and returns step name -> gas used."""
    from toolchain.deploy_config import load_deploy_config

    config = load_deploy_config(ROOT / "deploy" / "local.yaml", [str(a) for a in accounts])
    officer = accounts.at(next(g.account for g in config.grants if g.role == "DATA_OFFICER"))
    archives = suite.contracts["Archives"]
    metadata = web3.keccak(text='{"sourceSystem":"SPSE","period":"2019"}')
    first = archives.anchorArchive(
        LEGACY_PROCESSES, web3.keccak(text="root 1"), 100_000, metadata, {"from": officer}
    )
    later = archives.anchorArchive(
        LEGACY_PROCESSES, web3.keccak(text="root 2"), 100_000, metadata, {"from": officer}
    )
    return {FIRST: first.gas_used, LATER: later.gas_used}


def main() -> None:
    from scripts.deploy import deploy_suite
    from toolchain.deploy_config import load_deploy_config

    config = load_deploy_config(ROOT / "deploy" / "local.yaml", [str(a) for a in accounts])
    for name, used in measure(deploy_suite(accounts[0], config)).items():
        print(f"{name:<60} {used:>9,}")
