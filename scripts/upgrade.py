"""Deploy a successor version of a replaceable contract, record it in the manifest as pending and
write the committee act that switches to it (docs/decisions/0024-upgrades.md).

    python -m toolchain.upgrade deploy --network terang-live --contract MilestoneEscrow

Run through `python -m toolchain.upgrade`, which checks the inputs first. Environment (set by the
tool): TERANG_UPGRADE_CONTRACT, TERANG_MANIFEST (the manifest to read and update),
TERANG_UPGRADE_PROPOSAL (where to write the act as JSON), plus the deploy script's deployer settings.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from brownie import network, web3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.protocol.manifest import ManifestError, load_manifest, record_pending  # noqa: E402
from app.protocol.upgrades import UpgradeError, upgrade_plan  # noqa: E402
from scripts.deploy import (  # noqa: E402
    CONTRACT_TYPES,
    LIBRARY_TYPES,
    DeployError,
    _deployer,
    _is_local,
    constructor_args,
)

# The linked libraries each replaceable contract needs: deployed afresh with its successor, so the
# new version never links to code from another process's deployment.
LINKED_LIBRARIES = {"MilestoneEscrow": ("EscrowPolicy",), "WelfarePrograms": ("WelfareBudget",)}


def main() -> None:
    name = os.environ["TERANG_UPGRADE_CONTRACT"]
    path = Path(os.environ["TERANG_MANIFEST"])
    proposal_path = Path(os.environ["TERANG_UPGRADE_PROPOSAL"])
    try:
        manifest = load_manifest(path, expected_chain_id=web3.eth.chain_id)
        raw = json.loads(path.read_text())
        record_pending(raw, name, {})  # refuses a second pending version before deploying anything
        deployer = _deployer()
        tx = {"from": deployer}
        if not _is_local():
            tx["required_confs"] = int(os.environ.get("TERANG_CONFIRMATIONS", "2"))
        addresses = {n: c.address for n, c in manifest.contracts.items()}
        old = manifest.address(name)
        for library in LINKED_LIBRARIES.get(name, ()):
            LIBRARY_TYPES[library].deploy(tx)
        contract = CONTRACT_TYPES[name].deploy(
            *constructor_args(name, addresses["AccessHub"], addresses, predecessor=old), tx
        )
        plan = upgrade_plan(
            name,
            hub=addresses["AccessHub"],
            payments=addresses["Payments"],
            old=old,
            new=contract.address,
            new_abi=contract.abi,
        )
    except (ManifestError, UpgradeError, DeployError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    raw = record_pending(
        raw,
        name,
        {
            "address": contract.address,
            "blockNumber": contract.tx.block_number,
            "transactionHash": str(contract.tx.txid),
            "abi": contract.abi,
            "artifact": f"build/contracts/{name}.json",
        },
    )
    path.write_text(json.dumps(raw, indent=2) + "\n")
    proposal_path.write_text(json.dumps(plan.as_json(), indent=2) + "\n")
    print(
        f"Deployed {name} version {raw['contracts'][name]['versions'][-1]['version']} at {contract.address}"
    )
    print(f"on {network.show_active()}; manifest {path} records it as pending;")
    print(f"the committee act ({len(plan.calls)} calls) is in {proposal_path}")
