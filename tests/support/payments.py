"""Payment-bridge test set-up on a real local chain: the test-only source contract
(contracts/test/PaymentsTestSource.sol) deployed and registered as a Payments source by the
committee (tests/support/committee.py: two agencies, the hub's delay, execution), instructions authorised
in bulk, welfare batches disbursed by the real WelfarePrograms, and the fake provider as a real
process. Shared by the tests and bench/payments_*.py."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from eth_utils import keccak
from web3 import Web3
from web3.logs import DISCARD

from app.protocol import welfare as welfarelib
from app.protocol.manifest import Manifest
from tests.support.committee import committee_act
from tests.support.localchain import ROOT
from toolchain.run_local import free_port

SOURCE = "PaymentsTestSource"


def artifact(name: str) -> dict:
    """The brownie build artifact (compiled with the suite by scripts/deploy.py)."""
    return json.loads((ROOT / "build" / "contracts" / f"{name}.json").read_text())


def web3_for(url: str) -> Web3:
    return Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))


def deploy_source(w3: Web3, manifest: Manifest):
    """Deploys the test source and has the committee (LKPP and Kemenkeu officials) register it."""
    build = artifact(SOURCE)
    deployer = w3.eth.accounts[0]
    factory = w3.eth.contract(abi=build["abi"], bytecode=build["bytecode"])
    tx = factory.constructor(manifest.address("Payments")).transact({"from": deployer})
    source = w3.eth.contract(
        address=w3.eth.wait_for_transaction_receipt(tx)["contractAddress"], abi=build["abi"]
    )
    payments = w3.eth.contract(address=manifest.address("Payments"), abi=manifest.contracts["Payments"].abi)
    committee_act(w3, manifest, [(payments.address, payments.encode_abi("registerSource", [source.address]))])
    assert payments.functions.isSource(source.address).call()
    return source, payments


def _mined(w3: Web3, tx_hash) -> None:
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1, receipt


def payee(label: str) -> str:
    return "0x" + keccak(text=f"payee:{label}").hex()


def authorize_many(
    w3: Web3, source, payments, payees: list[str], amounts: list[int], first_ref: int, per_tx: int = 200
) -> list[str]:
    """Authorises one instruction per (payee, amount); returns their ids in order."""
    sender = w3.eth.accounts[0]
    for start in range(0, len(payees), per_tx):
        tx = source.functions.authorizeMany(
            payees[start : start + per_tx], amounts[start : start + per_tx], first_ref + start
        ).transact({"from": sender, "gas": 25_000_000})
        _mined(w3, tx)
    return [
        "0x"
        + keccak(
            bytes.fromhex(source.address[2:].lower().rjust(64, "0")) + (first_ref + i).to_bytes(32, "big")
        ).hex()
        for i in range(len(payees))
    ]


def reauthorize_many(w3: Web3, source, ids: list[str], per_tx: int = 200) -> None:
    for start in range(0, len(ids), per_tx):
        _mined(
            w3,
            source.functions.reauthorizeMany(ids[start : start + per_tx]).transact(
                {"from": w3.eth.accounts[0], "gas": 25_000_000}
            ),
        )


@contextlib.contextmanager
def fake_provider(
    callback_url: str | None,
    faults: dict | None = None,
    log: Path | None = None,
    env: dict | None = None,
    port: int | None = None,
) -> Iterator[str]:
    port = port or free_port()
    out = log.open("ab") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.payments.fakeprovider",
            "--port",
            str(port),
            *(["--callback-url", callback_url] if callback_url else []),
            "--faults",
            json.dumps(faults or {}),
        ],
        cwd=ROOT,
        stdout=out,
        stderr=out,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/_fake/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the fake provider did not start")
            time.sleep(0.1)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        if log:
            out.close()


def fake_payouts(url: str) -> dict:
    return httpx.get(url + "/_fake/payouts", timeout=30).json()


def set_faults(url: str, faults: dict) -> None:
    httpx.post(url + "/_fake/faults", json=faults, timeout=10).raise_for_status()


# -- welfare batches ------------------------------------------------------------------------------
WELFARE_ADMIN, ENROLLER, COMMITTEE = 12, 13, 1  # deploy/local.yaml: dev:12, dev:13, dev:1
WELFARE_SECRET = b"terang-payments-test-hmac-secret"


def beneficiary(n: int) -> str:
    """The beneficiary key (0x hex) of synthetic family n, by the gateway's keyed hash."""
    return "0x" + welfarelib.beneficiary_key(WELFARE_SECRET, f"630201010190{n:04d}").hex()


def welfare_contract(w3: Web3, manifest: Manifest):
    return w3.eth.contract(
        address=manifest.address("WelfarePrograms"), abi=manifest.contracts["WelfarePrograms"].abi
    )


def approve_budget_line(
    w3: Web3,
    manifest: Manifest,
    period_length: int = welfarelib.QUARTER_SECONDS,
    ceiling: int = 2**90,
    max_benefit: int = 2**62,
    exclusive: bool = False,
    epoch: int = 0,
) -> int:
    """The committee (the LKPP and Kemenkeu officials, dev:1 and dev:2) approves a welfare budget
    line as one committee act through the hub's delay (a local chain: the clock is moved past it).
    Returns the line id."""
    welfare = welfare_contract(w3, manifest)
    data = welfare.encode_abi("approveBudgetLine", [ceiling, max_benefit, period_length, exclusive, epoch])
    receipt = committee_act(w3, manifest, [(welfare.address, data)], "garis anggaran bansos")
    (event,) = welfare.events.BudgetLineApproved().process_receipt(receipt, errors=DISCARD)
    return event["args"]["lineId"]


def scope_enroller(w3: Web3, manifest: Manifest, programme: int, regions=(6302, 6371, 1101)) -> None:
    """The welfare admin (dev:12) scopes the enroller (dev:13, the gateway's ENROLLER key) to `regions`."""
    welfare = welfare_contract(w3, manifest)
    admin, enroller = w3.eth.accounts[WELFARE_ADMIN], w3.eth.accounts[ENROLLER]
    _mined(
        w3,
        welfare.functions.setEnrollerScope(enroller, programme, list(regions), True).transact(
            {"from": admin}
        ),
    )


def disburse_welfare_batch(w3: Web3, manifest: Manifest, families: list[int], name: str = "PKH") -> dict:
    """Defines a PKH-like programme, enrols `families` (one primary-school child each, so every
    line is 225,000 rupiah), moves the chain into the first period and disburses one batch.
    Returns {"id", "lines": [(index, key hex, amount)], "tx"}."""
    welfare = w3.eth.contract(
        address=manifest.address("WelfarePrograms"), abi=manifest.contracts["WelfarePrograms"].abi
    )
    admin, enroller = w3.eth.accounts[WELFARE_ADMIN], w3.eth.accounts[ENROLLER]
    start = w3.eth.get_block("latest")["timestamp"] + 60
    amounts = welfarelib.pkh_amounts_per_period()
    rules = (welfarelib.DECILES_1_TO_4, True, 4, 10**15, amounts)
    line = approve_budget_line(w3, manifest)
    start = w3.eth.get_block("latest")["timestamp"] + 60
    define = welfare.functions.defineProgramme(line, name, start, welfarelib.QUARTER_SECONDS, rules, [])
    programme = define.call({"from": admin})
    _mined(w3, define.transact({"from": admin}))
    scope_enroller(w3, manifest, programme)
    children = [0] * welfarelib.COMPONENTS
    children[welfarelib.PKH_COMPONENTS.index("primary_school")] = 1
    keys = [beneficiary(n) for n in families]
    applicants = [(key, 2, 6302, children) for key in keys]
    _mined(w3, welfare.functions.enrol(programme, applicants).transact({"from": enroller, "gas": 25_000_000}))
    w3.provider.make_request(
        "evm_increaseTime", [max(0, start - w3.eth.get_block("latest")["timestamp"]) + 5]
    )
    w3.provider.make_request("evm_mine", [])
    period = welfare.functions.currentPeriod(programme).call()
    tx = welfare.functions.disburse(programme, period, keys).transact({"from": admin, "gas": 25_000_000})
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    assert receipt["status"] == 1, receipt
    (batch,) = welfare.events.BatchDisbursed().process_receipt(receipt, errors=DISCARD)
    lines = sorted(
        (event["args"]["lineIndex"], "0x" + event["args"]["beneficiaryKey"].hex(), event["args"]["amount"])
        for event in welfare.events.BenefitAuthorized().process_receipt(receipt, errors=DISCARD)
    )
    return {"id": "0x" + batch["args"]["batchId"].hex(), "lines": lines, "tx": tx.hex()}


# -- a chain and a bridge of a test's own ---------------------------------------------------------
@contextlib.contextmanager
def own_chain(folder: Path) -> Iterator[tuple[str, Path, Path]]:
    """A fresh anvil with the suite deployed: (rpc url, manifest folder, signers file). The bridge
    pays every instruction it finds, so tests that run one get a chain no other test writes to."""
    from tests.support.localchain import anvil, deploy_local
    from toolchain.dev_signers import write_signers

    with anvil() as url:
        result = deploy_local(url, folder / "deployments")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        yield url, folder / "deployments", write_signers(url, folder / "signers")


def bridge_env(
    chain: tuple[str, Path, Path], database: str, issuer_dir: Path, **extra: str
) -> dict[str, str]:
    """TERANG_* variables for a bridge or gateway process on `chain` (see own_chain)."""
    url, manifest_dir, signers_file = chain
    return {
        "TERANG_RPC_URL": url,
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_CHAIN_ID": "31337",
        "TERANG_ENVIRONMENT": "test",
        "TERANG_DATABASE_URL": database,
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_SIGNERS_FILE": str(signers_file),
        "TERANG_KEYRING_FILE": str(signers_file.parent / "keyring.json"),  # shared by its processes
        "TERANG_INDEXER_ENABLED": "false",
        "TERANG_PAYMENTS_STATUS_CHECK_SECONDS": "1",
        "TERANG_PAYMENTS_PROVIDER_TIMEOUT_SECONDS": "1",
        **{f"TERANG_{name.upper()}": value for name, value in extra.items()},
    }


def settings_from_env(env: dict[str, str]):
    from app.config import Settings

    return Settings(**{k[len("TERANG_") :].lower(): v for k, v in env.items()})


def register_accounts(sessions, settings, numbers: dict[str, str | None]) -> None:
    """Payout accounts by payee key (None: no account registered)."""
    from app.keyring.keyring import keyring_for
    from app.payments.accounts import AccountDetails, save_account

    key = keyring_for(settings)
    with sessions.begin() as session:
        for i, (payee_key, number) in enumerate(numbers.items()):
            if number is not None:
                details = AccountDetails(
                    channelCode="ID_BRI", accountNumber=number, accountHolderName=f"KPM {i}"
                )
                save_account(session, key, payee_key, details, "test")


def follow_from_head(sessions, w3: Web3) -> int:
    """Starts a new bridge database's cursor at the chain's head, so it pays only what is
    authorised from now on (the instructions before are another bridge's); returns the first
    block it will read."""
    from app.indexer.models import IndexerCursor
    from app.payments.follow import CURSOR

    head = w3.eth.get_block("latest")
    with sessions.begin() as session:
        session.add(
            IndexerCursor(
                name=CURSOR, chain_id=31337, block_number=head["number"], block_hash=head["hash"].to_0x_hex()
            )
        )
    return head["number"] + 1
