"""The direct enrolment path, for comparison with the gateway (bench/welfare_import.py): the
enroller's node account sends `WelfarePrograms.enrol` in batches through brownie, each transaction
awaited, on a chain the suite is already deployed to (network terang-local, TERANG_RPC_URL).

    brownie run scripts/welfare_enrol_direct.py main <manifest.json> <programme> <size> <seed> \\
        <batch> <result.json> --network terang-local

The families are scripts/welfare_families.py's, keyed with a per-run secret. Writes the loop's
wall-clock seconds, transactions and gas to <result.json>."""

from __future__ import annotations

import json
import secrets
import sys
import time
from pathlib import Path

from brownie import Contract, WelfarePrograms, accounts

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.welfare_families import applicant, synthetic_population  # noqa: E402
from scripts.welfare_population import transact  # noqa: E402

ENROLLER = 13  # deploy/local.yaml


def main(manifest: str, programme: str, size: str, seed: str, batch: str, result: str) -> None:
    address = json.loads(Path(manifest).read_text())["contracts"]["WelfarePrograms"]["address"]
    # from_abi: an attached contract, not recorded as one of this project's deployments
    welfare = Contract.from_abi("WelfarePrograms", address, WelfarePrograms.abi)
    enroller = accounts[ENROLLER]
    secret = secrets.token_bytes(32)
    families = synthetic_population(int(size), int(seed))
    step = int(batch)
    gas = transactions = 0
    started = time.perf_counter()
    for offset in range(0, len(families), step):
        chunk = [applicant(secret, f) for f in families[offset : offset + step]]
        tx = transact(welfare.enrol, int(programme), chunk, tx={"from": enroller})
        gas, transactions = gas + tx.gas_used, transactions + 1
    seconds = time.perf_counter() - started
    Path(result).write_text(json.dumps({"seconds": seconds, "transactions": transactions, "gas": gas}))
