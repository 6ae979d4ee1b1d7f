"""Payment-bridge test set-up on a real local chain: the test-only source contract
(contracts/test/PaymentsTestSource.sol) deployed and registered as a Payments source by the
committee (schedule, wait the hub's delay with evm_increaseTime, execute), instructions authorised
in bulk, and the fake provider as a real process. Shared by the tests and bench/payments_*.py."""

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

from app.chain.manifest import Manifest
from tests.support.localchain import ROOT
from toolchain.run_local import free_port

SOURCE = "PaymentsTestSource"


def artifact(name: str) -> dict:
    """The brownie build artifact (compiled with the suite by scripts/deploy.py)."""
    return json.loads((ROOT / "build" / "contracts" / f"{name}.json").read_text())


def web3_for(url: str) -> Web3:
    return Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))


def deploy_source(w3: Web3, manifest: Manifest):
    """Deploys the test source and has the committee (dev:1) register it with Payments."""
    build = artifact(SOURCE)
    deployer, committee = w3.eth.accounts[0], w3.eth.accounts[1]
    factory = w3.eth.contract(abi=build["abi"], bytecode=build["bytecode"])
    tx = factory.constructor(manifest.address("Payments")).transact({"from": deployer})
    source = w3.eth.contract(
        address=w3.eth.wait_for_transaction_receipt(tx)["contractAddress"], abi=build["abi"]
    )
    payments = w3.eth.contract(address=manifest.address("Payments"), abi=manifest.contracts["Payments"].abi)
    hub = w3.eth.contract(address=manifest.address("AccessHub"), abi=manifest.contracts["AccessHub"].abi)
    data = payments.encode_abi("registerSource", [source.address])
    _, delay = hub.functions.canCall(committee, payments.address, data[:10]).call()
    _mined(w3, hub.functions.schedule(payments.address, data, 0).transact({"from": committee}))
    w3.provider.make_request("evm_increaseTime", [int(delay) + 1])
    w3.provider.make_request("evm_mine", [])
    _mined(w3, hub.functions.execute(payments.address, data).transact({"from": committee}))
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
    callback_url: str | None, faults: dict | None = None, log: Path | None = None, env: dict | None = None
) -> Iterator[str]:
    port = free_port()
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
