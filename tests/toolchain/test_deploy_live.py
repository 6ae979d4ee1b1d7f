"""Deploying to a live network exactly as a user targets a consortium or public test network:
a second node registered as the *live* brownie network `terang-live`, the deployer unlocked from an
encrypted keystore, confirmations awaited on a chain that mines on a timer (every quarter second,
not on each transaction)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from eth_account import Account
from web3 import Web3

from app.protocol.roles import MANAGED_CONTRACTS, role_id
from tests.support.localchain import ROOT, anvil, rpc

CONSORTIUM_CHAIN_ID = 7777
PYTHON = ROOT / ".venv" / "bin" / "python"


@pytest.fixture(scope="module")
def live_node():
    with anvil(chain_id=CONSORTIUM_CHAIN_ID, block_time=0.25, accounts=2) as url:
        yield url


@pytest.fixture(scope="module")
def deployer_keystore(tmp_path_factory, live_node):
    folder = tmp_path_factory.mktemp("keys")
    account = Account.create()
    password = "correct horse battery staple"
    (folder / "deployer.json").write_text(json.dumps(Account.encrypt(account.key, password)))
    (folder / "password").write_text(password)
    funder = rpc(live_node, "eth_accounts")[0]
    rpc(live_node, "eth_sendTransaction", [{"from": funder, "to": account.address, "value": hex(10**20)}])
    return account.address, folder / "deployer.json", folder / "password"


SAFE = {
    "threshold": 3,
    "admin_delay": 604800,
    "committee_delay": 172800,
    "guardian_agencies": 2,
    "renounce": "true",
    "admin_grant": "",
}


def consortium_yaml(committee, guardians, officer, **overrides) -> str:
    """A consortium config: LKPP and Kemenkeu officials (`committee`), BPK and KPK officials
    (`guardians`, as many guardian agencies as `guardians` says), one IKN officer."""
    o = {**SAFE, **overrides}
    flags = ["true" if i < o["guardian_agencies"] else "false" for i in range(2)]
    return (
        "agencies: [{id: 1001, name: IKN}, {id: 3001, name: LKPP}, {id: 3002, name: Kemenkeu},"
        " {id: 3003, name: BPK}, {id: 3004, name: KPK}]\n"
        f"committee:\n  threshold: {o['threshold']}\n  members:\n"
        f"    - {{agency: 3001, officials: [{committee[0]}]}}\n"
        f"    - {{agency: 3002, officials: [{committee[1]}]}}\n"
        f"    - {{agency: 3003, officials: [{guardians[0]}], guardian: {flags[0]}}}\n"
        f"    - {{agency: 3004, officials: [{guardians[1]}], guardian: {flags[1]}}}\n"
        f"execution_delays: {{ADMIN: {o['admin_delay']}, COMMITTEE: {o['committee_delay']}}}\n"
        "grant_delays: {COMMITTEE: 86400}\n"
        f"grants:\n  GUARDIAN: [{guardians[0]}, {guardians[1]}]\n"
        f"  AGENCY_OFFICER: [{{account: {officer}, agency: 1001}}]\n"
        + (f"  ADMIN: [{o['admin_grant']}]\n" if o["admin_grant"] else "")
        + f"renounce_deployer_admin: {o['renounce']}\n"
    )


@pytest.fixture(scope="module")
def consortium_config(tmp_path_factory):
    committee = [Account.create().address for _ in range(2)]
    guardians = [Account.create().address for _ in range(2)]
    officer = Account.create().address
    path = tmp_path_factory.mktemp("config") / "consortium.yaml"
    path.write_text(consortium_yaml(committee, guardians, officer))
    return path, committee, guardians, officer


def run_deploy(url, keystore, config, manifest_dir, *extra, **env_overrides):
    env = {
        **os.environ,
        "TERANG_RPC_URL": url,
        "TERANG_DEPLOYER_KEYSTORE": str(keystore[1]),
        "TERANG_DEPLOYER_PASSWORD_FILE": str(keystore[2]),
        "TERANG_CONFIRMATIONS": "2",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        **env_overrides,
    }
    return subprocess.run(
        [str(PYTHON), "-m", "toolchain.deploy", "--network", "terang-live", "--config", str(config), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def deployed(live_node, deployer_keystore, consortium_config, tmp_path_factory):
    manifest_dir = tmp_path_factory.mktemp("deployments")
    result = run_deploy(live_node, deployer_keystore, consortium_config[0], manifest_dir)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    manifest = json.loads((manifest_dir / f"{CONSORTIUM_CHAIN_ID}.json").read_text())
    return manifest, manifest_dir, result


def hub_of(url, manifest):
    w3 = Web3(Web3.HTTPProvider(url))
    entry = manifest["contracts"]["AccessHub"]
    return w3, w3.eth.contract(address=entry["address"], abi=entry["abi"])


def test_manifest_records_chain_contracts_compiler_and_commit(deployed, deployer_keystore):
    manifest = deployed[0]
    assert manifest["chainId"] == CONSORTIUM_CHAIN_ID
    assert manifest["network"] == "terang-live"
    assert manifest["deployer"] == deployer_keystore[0]
    assert {"AccessHub", *MANAGED_CONTRACTS} <= set(manifest["contracts"])
    assert manifest["compiler"]["version"].startswith("0.8.28")
    assert manifest["compiler"]["evm_version"] == "shanghai"
    for entry in manifest["contracts"].values():
        assert entry["blockNumber"] > 0 and entry["transactionHash"].startswith("0x")
        assert isinstance(entry["abi"], list)  # empty for a linked library without external functions
    assert len(manifest["gitCommit"] or "") in (0, 40)


def test_deployment_waited_for_two_confirmations(deployed, live_node):
    """brownie waits for `required_confs`: the last transaction has a block mined on top of it."""
    manifest, _, result = deployed
    assert "Waiting for confirmation" in result.stdout or "confirmed" in result.stdout
    w3 = Web3(Web3.HTTPProvider(live_node))
    last = max(entry["blockNumber"] for entry in manifest["contracts"].values())
    assert w3.eth.block_number >= last + 1


def test_roles_from_config_are_granted_and_deployer_gave_up_admin(
    deployed, live_node, consortium_config, deployer_keystore
):
    manifest = deployed[0]
    _, committee, guardians, officer = consortium_config
    _, hub = hub_of(live_node, manifest)
    council = manifest["contracts"]["Committee"]["address"]
    assert hub.functions.hasRole(role_id("ADMIN"), council).call() == [True, 604800]
    assert hub.functions.hasRole(role_id("COMMITTEE"), council).call() == [True, 172800]
    for member in committee + guardians:
        assert not hub.functions.hasRole(role_id("ADMIN"), member).call()[0]
        assert not hub.functions.hasRole(role_id("COMMITTEE"), member).call()[0]
    for guardian in guardians:
        assert hub.functions.hasRole(role_id("GUARDIAN"), guardian).call()[0]
    assert hub.functions.hasRole(role_id("AGENCY_OFFICER"), officer).call()[0]
    assert not hub.functions.hasRole(role_id("ADMIN"), deployer_keystore[0]).call()[0]
    assert not hub.functions.hasRole(role_id("COMMITTEE"), deployer_keystore[0]).call()[0]


def test_second_deployment_to_the_same_chain_is_refused(
    deployed, live_node, deployer_keystore, consortium_config
):
    result = run_deploy(live_node, deployer_keystore, consortium_config[0], deployed[1])
    assert result.returncode != 0
    assert "already has a Terang suite" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_forced_second_deployment_writes_a_new_manifest(
    deployed, live_node, deployer_keystore, consortium_config
):
    result = run_deploy(live_node, deployer_keystore, consortium_config[0], deployed[1], "--force")
    assert result.returncode == 0, result.stderr[-1000:]
    again = json.loads((deployed[1] / f"{CONSORTIUM_CHAIN_ID}.json").read_text())
    assert again["contracts"]["AccessHub"]["address"] != deployed[0]["contracts"]["AccessHub"]["address"]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--network", "mainnet-nope"], {}, "unknown network 'mainnet-nope'"),
        (["--network", "terang-live"], {"TERANG_RPC_URL": ""}, "set TERANG_RPC_URL"),
        (
            ["--network", "terang-live"],
            {"TERANG_RPC_URL": "http://127.0.0.1:9"},
            "cannot reach a JSON-RPC node",
        ),
        (["--network", "terang-live"], {"TERANG_CHAIN_ID": "999"}, "not TERANG_CHAIN_ID=999"),
        (
            ["--network", "terang-live"],
            {"TERANG_DEPLOYER_KEYSTORE": "/nonexistent.json"},
            "TERANG_DEPLOYER_KEYSTORE",
        ),
        (["--network", "terang-live", "--config", "/nonexistent.yaml"], {}, "does not exist"),
    ],
)
def test_bad_input_gets_one_line(live_node, deployer_keystore, args, env, message):
    full_env = {
        **os.environ,
        "TERANG_RPC_URL": live_node,
        "TERANG_DEPLOYER_KEYSTORE": str(deployer_keystore[1]),
        "TERANG_DEPLOYER_PASSWORD_FILE": str(deployer_keystore[2]),
        **env,
    }
    result = subprocess.run(
        [str(PYTHON), "-m", "toolchain.deploy", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_wrong_keystore_password_is_one_line(live_node, deployer_keystore, consortium_config, tmp_path):
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password")
    keystore = (deployer_keystore[0], deployer_keystore[1], wrong)
    result = run_deploy(live_node, keystore, consortium_config[0], tmp_path, "--force")
    assert result.returncode != 0
    assert "cannot unlock" in result.stderr
    assert "Traceback" not in result.stderr


# --- safe live deployment ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"renounce": "false"}, "the deployer keeps ADMIN"),
        ({"admin_delay": 86400}, "under 7 days"),
        ({"committee_delay": 0}, "COMMITTEE's execution delay is zero"),
        ({"guardian_agencies": 1}, "1 guardian agencies"),
        ({"threshold": 1}, "threshold is 1"),
        ({"admin_grant": "0x1111111111111111111111111111111111111111"}, "ADMIN is granted to accounts"),
    ],
    ids=[
        "deployer-keeps-admin",
        "short-admin-delay",
        "no-committee-delay",
        "one-guardian",
        "threshold-1",
        "human-admin",
    ],
)
def test_each_unsafe_live_config_is_named_by_the_safety_rules(tmp_path, overrides, rule):
    from toolchain.deploy_config import live_safety_violations, load_deploy_config

    accounts4 = [Account.create().address for _ in range(5)]
    safe, unsafe = tmp_path / "safe.yaml", tmp_path / "unsafe.yaml"
    safe.write_text(consortium_yaml(accounts4[:2], accounts4[2:4], accounts4[4]))
    unsafe.write_text(consortium_yaml(accounts4[:2], accounts4[2:4], accounts4[4], **overrides))
    assert live_safety_violations(load_deploy_config(safe, [])) == []
    violations = live_safety_violations(load_deploy_config(unsafe, []))
    assert len(violations) == 1 and rule in violations[0], violations


def test_an_unsafe_live_deployment_is_refused_in_one_line_with_nothing_deployed(
    live_node, deployer_keystore, consortium_config, tmp_path
):
    _, committee, guardians, officer = consortium_config
    config = tmp_path / "unsafe.yaml"
    config.write_text(
        consortium_yaml(committee, guardians, officer, renounce="false", threshold=1, guardian_agencies=1)
    )
    nonce = rpc(live_node, "eth_getTransactionCount", [deployer_keystore[0], "latest"])

    result = run_deploy(live_node, deployer_keystore, config, tmp_path / "deployments")

    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "unsafe live deployment" in errors[0], result.stderr[-2000:]
    for rule in (
        "the deployer keeps ADMIN",
        "1 guardian agencies",
        "threshold is 1",
        "--unsafe-live-deployment",
    ):
        assert rule in errors[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert rpc(live_node, "eth_getTransactionCount", [deployer_keystore[0], "latest"]) == nonce
    assert not (tmp_path / "deployments").exists()


@pytest.fixture(scope="module")
def fast_live_node():
    """A second non-development chain mining at once, for a whole deployment that must finish quickly."""
    with anvil(chain_id=CONSORTIUM_CHAIN_ID + 1, accounts=2) as url:
        yield url


def test_the_loud_override_deploys_an_unsafe_config_and_names_each_broken_rule(
    fast_live_node, tmp_path, consortium_config
):
    account = Account.create()
    (tmp_path / "deployer.json").write_text(json.dumps(Account.encrypt(account.key, "pw")))
    (tmp_path / "password").write_text("pw")
    funder = rpc(fast_live_node, "eth_accounts")[0]
    rpc(
        fast_live_node, "eth_sendTransaction", [{"from": funder, "to": account.address, "value": hex(10**20)}]
    )
    _, committee, guardians, officer = consortium_config
    config = tmp_path / "unsafe.yaml"
    config.write_text(consortium_yaml(committee, guardians, officer, admin_delay=60, committee_delay=0))
    keystore = (account.address, tmp_path / "deployer.json", tmp_path / "password")

    result = run_deploy(
        fast_live_node,
        keystore,
        config,
        tmp_path / "deployments",
        "--unsafe-live-deployment",
        TERANG_CONFIRMATIONS="1",
    )

    assert result.returncode == 0, result.stderr[-2000:]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert "UNSAFE LIVE DEPLOYMENT" in warnings[0]
    assert any("under 7 days" in w for w in warnings) and any("delay is zero" in w for w in warnings)
    assert (tmp_path / "deployments" / f"{CONSORTIUM_CHAIN_ID + 1}.json").exists()


def test_grant_delay_takes_effect_after_the_hubs_minimum_setback(deployed, live_node):
    """AccessManager applies a newly set grant delay only after minSetback (5 days), so the
    genesis grants are immediate and the configured delay governs every later grant. Last in the
    module: after this jump of the live node's clock its receipts lag (a deployment took 73 s
    instead of 20), so every deployment here comes before it."""
    _, hub = hub_of(live_node, deployed[0])
    assert hub.functions.getRoleGrantDelay(role_id("COMMITTEE")).call() == 0
    setback = hub.functions.minSetback().call()
    rpc(live_node, "evm_increaseTime", [setback + 1])
    rpc(live_node, "evm_mine")
    assert hub.functions.getRoleGrantDelay(role_id("COMMITTEE")).call() == 86400
