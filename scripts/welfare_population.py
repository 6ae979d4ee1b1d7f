"""Enrol a synthetic population in a PKH programme and run one period's disbursement, with a progress
bar. Reproducible: the same size and seed give the same families, keys and amounts.

    brownie run scripts/welfare_population.py main 10000 42 --network terang-anvil
    brownie run scripts/welfare_population.py main <size> <seed> <batch> <result.json> --network ...

Deploys a fresh suite (deploy/local.yaml roles) on the chain brownie starts, defines PKH with the
figures of docs/domain.md (seven components, quarterly instalments, cap 4, deciles 1-4), enrols the
population in batches (applicants outside deciles 1-4 or without a component are refused with their
reason) and pays every enrolled family for period 0 in batches of `batch` keys. NIKs are generated,
turned into keyed hashes with a per-run secret and never leave this process. Optionally writes the
figures (counts, totals, gas, wall-clock seconds per phase) to a JSON file (bench/welfare_scale.py).
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from collections import Counter
from pathlib import Path

from brownie import accounts, chain, web3
from brownie.exceptions import TransactionError
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.protocol import welfare as welfarelib  # noqa: E402
from scripts.welfare_families import (  # noqa: E402, F401 (re-exported for scripts/gas_welfare.py)
    REGIONS,
    Family,
    applicant,
    synthetic_population,
)


def transact(method, *args, tx: dict):
    """Sends `method(*args)` and returns its receipt. Under CPU load brownie can see the sender's
    nonce move before anvil serves the receipt and report the transaction "dropped"; it was mined,
    so fetch its receipt instead of sending it again."""
    try:
        return method(*args, tx)
    except TransactionError as exc:
        txid = str(exc).rsplit(" ", 1)[-1]
        if not txid.startswith("0x"):
            raise
        web3.eth.wait_for_transaction_receipt(txid, timeout=120)
        return chain.get_transaction(txid)


def approve_budget_line(welfare, ceiling: int = 2**90, max_benefit: int = 2**62) -> int:
    """The committee approves a quarterly budget line as one committee act: the LKPP official (dev:1)
    proposes, the Kemenkeu official (dev:2) approves, the Committee schedules it in the hub, the
    delay is slept through (a local chain) and it executes. Returns the line id."""
    from brownie import Committee

    council = Committee[-1]  # deployed in this session with the suite
    args = (ceiling, max_benefit, welfarelib.QUARTER_SECONDS, False, 0)
    data = welfare.approveBudgetLine.encode_input(*args)
    proposal = council.propose(
        [(welfare.address, data)], web3.keccak(text="garis anggaran"), {"from": accounts[1]}
    )
    proposal_id = proposal.return_value
    council.approve(proposal_id, {"from": accounts[2]})
    council.schedule(proposal_id, {"from": accounts[1]})
    chain.sleep(max(int(council.getProposal(proposal_id)["readyAt"]) - chain.time(), 0) + 1)
    chain.mine()
    tx = council.execute(proposal_id, {"from": accounts[1]})
    return int(tx.events["BudgetLineApproved"]["lineId"])


def define_pkh(welfare, admin, budget: int, start_in: int = 30) -> int:
    """Defines PKH on a new committee budget line and scopes the enroller (dev:13) to every region of
    the synthetic population."""
    line = approve_budget_line(welfare)
    start = web3.eth.get_block("latest")["timestamp"] + start_in
    rules = (
        welfarelib.DECILES_1_TO_4,
        True,
        welfarelib.PKH_COMPONENT_CAP,
        budget,
        welfarelib.pkh_amounts_per_period(),
    )
    tx = welfare.defineProgramme(line, "PKH", start, welfarelib.QUARTER_SECONDS, rules, [], {"from": admin})
    programme = tx.return_value
    welfare.setEnrollerScope(accounts[13], programme, list(REGIONS), True, {"from": admin})
    return programme


def wait_for_start(welfare, programme: int) -> None:
    gap = welfare.getProgramme(programme)["firstPeriodStart"] - web3.eth.get_block("latest")["timestamp"]
    if gap >= 0:
        chain.sleep(int(gap) + 1)
    chain.mine()


def run(
    suite, size: int, seed: int, batch: int = 500, budget: int | None = None, progress: bool = True
) -> dict:
    """Enrols `size` synthetic families and pays period 0; returns the figures."""
    welfare = suite.contracts["WelfarePrograms"]
    admin, enroller = accounts[12], accounts[13]  # deploy/local.yaml: WELFARE_ADMIN, ENROLLER
    secret = secrets.token_bytes(32)  # synthetic run: a fresh HMAC secret, never stored
    families = synthetic_population(size, seed)
    budget = budget or 10**16
    programme = define_pkh(welfare, admin, budget)

    figures: dict = {"size": size, "seed": seed, "batch": batch}
    refusals: Counter = Counter()
    enrolled_keys: list[bytes] = []
    enrol_gas = 0
    started = time.perf_counter()
    with tqdm(total=size, desc="enrol", unit="family", disable=not progress) as bar:
        for offset in range(0, size, batch):
            chunk = [applicant(secret, f) for f in families[offset : offset + batch]]
            tx = transact(welfare.enrol, programme, chunk, tx={"from": enroller})
            enrol_gas += tx.gas_used
            refused = (
                {str(e["beneficiaryKey"]): int(e["reason"]) for e in tx.events["EnrolmentRefused"]}
                if "EnrolmentRefused" in tx.events
                else {}
            )
            for key, *_ in chunk:
                reason = refused.get("0x" + key.hex())
                if reason is None:
                    enrolled_keys.append(key)
                else:
                    refusals[welfarelib.REASONS[reason]] += 1
            bar.update(len(chunk))
    figures["enrol_seconds"] = time.perf_counter() - started
    figures["enrolled"] = len(enrolled_keys)
    figures["refused"] = dict(refusals)
    figures["enrol_gas"] = enrol_gas

    wait_for_start(welfare, programme)
    paid = total = pay_gas = batches = 0
    started = time.perf_counter()
    with tqdm(total=len(enrolled_keys), desc="pay", unit="family", disable=not progress) as bar:
        for offset in range(0, len(enrolled_keys), batch):
            keys = enrolled_keys[offset : offset + batch]
            tx = transact(welfare.disburse, programme, 0, keys, tx={"from": admin})
            # From the event: brownie may not trace a large transaction for its return value.
            lines = amount = 0
            if "BatchDisbursed" in tx.events:
                lines, amount = (
                    int(tx.events["BatchDisbursed"]["lineCount"]),
                    int(tx.events["BatchDisbursed"]["total"]),
                )
            paid, total, pay_gas, batches = paid + lines, total + amount, pay_gas + tx.gas_used, batches + 1
            bar.update(len(keys))
    figures["pay_seconds"] = time.perf_counter() - started
    figures.update(paid=paid, total_rupiah=total, pay_gas=pay_gas, pay_batches=batches)
    figures["pay_gas_per_beneficiary"] = pay_gas / paid if paid else None
    figures["enrol_gas_per_applicant"] = enrol_gas / size if size else None
    return figures


def main(size="1000", seed="42", batch="500", result_path="") -> dict:
    from scripts.deploy import deploy_suite
    from toolchain.deploy_config import load_deploy_config

    config = load_deploy_config(ROOT / "deploy" / "local.yaml", [str(a) for a in accounts])
    suite = deploy_suite(accounts[0], config)
    figures = run(suite, int(size), int(seed), int(batch))
    print(
        f"enrolled {figures['enrolled']:,} of {figures['size']:,} (refused: {figures['refused']}) "
        f"in {figures['enrol_seconds']:.1f} s; paid {figures['paid']:,} families "
        f"Rp{figures['total_rupiah']:,} in {figures['pay_batches']} batches"
        f" in {figures['pay_seconds']:.1f} s; "
        f"gas per paid beneficiary {figures['pay_gas_per_beneficiary']:,.0f}"
    )
    if result_path:
        Path(result_path).write_text(json.dumps(figures, indent=2) + "\n")
    return figures
