"""Deploy and wire the whole suite in one run, then write the deployment manifest.

    brownie run scripts/deploy.py --network terang-local            # the chain `make run` starts
    TERANG_RPC_URL=... TERANG_DEPLOYER_KEYSTORE=... TERANG_DEPLOYER_PASSWORD_FILE=... \
        brownie run scripts/deploy.py --network terang-live          # a consortium or test network

`python -m toolchain.deploy` checks the inputs first and answers mistakes in one line.
Environment: TERANG_DEPLOY_CONFIG (default deploy/local.yaml), TERANG_FORCE_DEPLOY=1 to deploy a
second suite on a chain that has one, TERANG_CONFIRMATIONS (live networks, default 2),
TERANG_MANIFEST_DIR (default deployments/).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from brownie import (
    AccessHub,
    AgencyDirectory,
    Archives,
    Committee,
    EPurchasing,
    EscrowPolicy,
    Grievances,
    MilestoneEscrow,
    Payments,
    PolicyRegistry,
    SupplierRegistry,
    TenderEvaluation,
    TenderObjections,
    Tenders,
    TenderSetup,
    TkdnRegistry,
    WelfareBudget,
    WelfarePrograms,
    accounts,
    chain,
    network,
    web3,
)
from brownie._config import CONFIG
from brownie.network.account import Account

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.protocol import policy as policy_rules  # noqa: E402
from app.protocol.manifest import build_manifest, manifest_path  # noqa: E402
from app.protocol.roles import CONTRACT_ROLES, MANAGED_CONTRACTS, PERMISSIONS, ROLES, role_id  # noqa: E402
from toolchain import brownie_chain_id, brownie_receipts  # noqa: E402
from toolchain.deploy_config import (  # noqa: E402
    DEVELOPMENT_CHAIN_IDS,
    DeployConfig,
    DeployConfigError,
    live_safety_violations,
    load_deploy_config,
)

# anvil's receipts can lag its state by a moment; brownie must not call such a transaction dropped.
brownie_receipts.install()
# web3 would ask the node for its chain id before every call of the deployment's hundred or so.
brownie_chain_id.install()

CONTRACT_TYPES = {
    "AgencyDirectory": AgencyDirectory,
    "SupplierRegistry": SupplierRegistry,
    "TkdnRegistry": TkdnRegistry,
    "PolicyRegistry": PolicyRegistry,
    "Tenders": Tenders,
    "Payments": Payments,
    "MilestoneEscrow": MilestoneEscrow,
    "WelfarePrograms": WelfarePrograms,
    "Grievances": Grievances,
    "Archives": Archives,
    "EPurchasing": EPurchasing,
    "Committee": Committee,
}
# Linked libraries (external functions), deployed before the contracts that use them; brownie links
# a contract to the latest deployed instance of each library it needs.
LIBRARY_TYPES = {
    "TenderSetup": TenderSetup,
    "TenderEvaluation": TenderEvaluation,
    "TenderObjections": TenderObjections,
    "EscrowPolicy": EscrowPolicy,
    "WelfareBudget": WelfareBudget,
}

# Procurement figures of Perpres 16/2018 as amended (docs/domain.md), fixed per deployment. The
# money rules of tenders and contracts are versioned instead: PolicyRegistry, version 1 from the
# deploy config's `policy:` block (defaults in app/protocol/policy.py).
TKDN_BMP_CAP_BPS = 1_500  # BMP counts at most 15%
ZERO_ADDRESS = "0x" + "00" * 20
# Contracts the committee registers as payment sources at genesis (Payments.registerSource).
PAYMENT_SOURCES = ("MilestoneEscrow", "WelfarePrograms")


class DeployError(Exception):
    """A mistake in the deployment's inputs, reported in one line."""


@dataclass
class Suite:
    hub: object
    contracts: dict[str, object] = field(default_factory=dict)
    receipts: dict[str, object] = field(default_factory=dict)
    libraries: dict[str, object] = field(default_factory=dict)

    def all(self) -> dict[str, object]:
        return {"AccessHub": self.hub, **self.libraries, **self.contracts}


def deploy_suite(deployer: Account, config: DeployConfig, tx: dict | None = None) -> Suite:
    """Deploy the hub and every managed contract, apply roles.py and the config's grants."""
    tx = {"from": deployer, **(tx or {})}
    hub = AccessHub.deploy(deployer, tx)
    suite = Suite(hub=hub, receipts={"AccessHub": hub.tx})
    for name, library_type in LIBRARY_TYPES.items():
        library = library_type.deploy(tx)
        suite.libraries[name] = library
        suite.receipts[name] = library.tx
    for name in MANAGED_CONTRACTS:
        contract = CONTRACT_TYPES[name].deploy(
            *constructor_args(name, hub, suite.contracts, config=config), tx
        )
        suite.contracts[name] = contract
        suite.receipts[name] = contract.tx

    # Hub configuration goes in two multicall transactions (AccessManager is Multicall), so a
    # live network needs a handful of confirmations rather than one per setting. At genesis the
    # deployer holds COMMITTEE without delay just long enough to record the agencies, the payment
    # sources and the committee's first members; then only the Committee holds COMMITTEE and ADMIN.
    hub.multicall(
        _permission_calls(hub, suite.contracts)
        + _role_setting_calls(hub, config)
        + [hub.grantRole.encode_input(role_id("COMMITTEE"), deployer, 0)],
        tx,
    )
    _register_agencies(suite.contracts["AgencyDirectory"], config, tx)
    for source in PAYMENT_SOURCES:
        suite.contracts["Payments"].registerSource(suite.contracts[source], tx)
    _seat_committee(suite.contracts["Committee"], config, tx)
    # Role admins last: once COMMITTEE administers a role, the deployer (ADMIN) can no longer grant it.
    hub.multicall(
        [hub.renounceRole.encode_input(role_id("COMMITTEE"), deployer)]
        + _grant_calls(hub, config)
        + _contract_grant_calls(hub, suite.contracts)
        + _committee_grant_calls(hub, suite.contracts["Committee"], config)
        + _role_admin_calls(hub)
        + _admin_handover_calls(hub, deployer, config),
        tx,
    )
    return suite


def constructor_args(
    name: str, hub, contracts: dict, predecessor=None, config: DeployConfig | None = None
) -> tuple:
    """What contract `name`'s constructor takes, given the hub and the contracts deployed so far:
    the same for a first deployment and for a successor version (scripts/upgrade.py), which also
    names the version it succeeds (`predecessor`: the escrow reads its contracted tenders across).
    The policy registry's first version comes from the deployment's config."""
    by_contract = {
        "AgencyDirectory": lambda: (hub,),
        "SupplierRegistry": lambda: (hub, contracts["AgencyDirectory"]),
        "TkdnRegistry": lambda: (hub, TKDN_BMP_CAP_BPS),
        "PolicyRegistry": lambda: (
            hub,
            policy_rules.policy_tuple(config.policy),
            web3.keccak(text=config.policy_source),
        ),
        "Tenders": lambda: (
            hub,
            contracts["AgencyDirectory"],
            contracts["SupplierRegistry"],
            contracts["TkdnRegistry"],
            contracts["PolicyRegistry"],
        ),
        "Payments": lambda: (hub,),
        "MilestoneEscrow": lambda: (
            hub,
            contracts["AgencyDirectory"],
            contracts["SupplierRegistry"],
            contracts["Tenders"],
            contracts["Payments"],
            contracts["PolicyRegistry"],
            predecessor or ZERO_ADDRESS,
        ),
        "WelfarePrograms": lambda: (hub, contracts["Payments"]),
        "Grievances": lambda: (hub,),
        "Archives": lambda: (hub,),
        "EPurchasing": lambda: (
            hub,
            contracts["AgencyDirectory"],
            contracts["SupplierRegistry"],
            contracts["Tenders"],
        ),
        "Committee": lambda: (hub,),
    }
    return by_contract[name]()


def committee_act(
    suite: Suite, calls: list[tuple], proposer: Account, approver: Account, description: str = ""
):
    """Runs [(target, data), ...] as one committee act on a local chain: `proposer` proposes (its
    agency approves), `approver` (an official of another member agency) approves, the Committee
    schedules the calls, the clock moves past the hub's delay, the Committee executes them. Returns
    the execution's receipt. For scripts and measurements; the tests use the same steps."""
    council = suite.contracts["Committee"]
    proposal = council.propose(
        [(str(target), data) for target, data in calls], web3.keccak(text=description), {"from": proposer}
    ).events["Proposed"]["proposalId"]  # not .return_value: that costs a full trace of the call
    council.approve(proposal, {"from": approver})
    council.schedule(proposal, {"from": proposer})
    chain.sleep(max(int(council.getProposal(proposal)["readyAt"]) - chain.time(), 0) + 1)
    chain.mine()
    return council.execute(proposal, {"from": proposer})


def _permission_calls(hub, contracts: dict) -> list[str]:
    calls = []
    for contract_name, functions in PERMISSIONS.items():
        contract = contracts[contract_name]
        by_role: dict[str, list[str]] = {}
        for function_name, role in functions.items():
            by_role.setdefault(role, []).append(contract.signatures[function_name])
        for role, selectors in sorted(by_role.items()):
            calls.append(hub.setTargetFunctionRole.encode_input(contract, selectors, role_id(role)))
    return calls


def _role_setting_calls(hub, config: DeployConfig) -> list[str]:
    calls = []
    for role in ROLES.values():
        if role.name == "ADMIN":
            continue
        calls.append(hub.labelRole.encode_input(role.id, role.label_en))
        if role.guardian:
            calls.append(hub.setRoleGuardian.encode_input(role.id, role_id(role.guardian)))
        if config.grant_delays.get(role.name):
            # AccessManager applies a new grant delay only after its minimum setback (5 days).
            calls.append(hub.setGrantDelay.encode_input(role.id, config.grant_delays[role.name]))
    return calls


def _grant_calls(hub, config: DeployConfig) -> list[str]:
    return [hub.grantRole.encode_input(role_id(g.role), g.account, g.execution_delay) for g in config.grants]


def _contract_grant_calls(hub, contracts: dict) -> list[str]:
    """Roles a contract holds (CONTRACT_ROLES), without delay: e.g. EPurchasing records its orders
    in Tenders."""
    return [
        hub.grantRole.encode_input(role_id(role), contracts[name], 0) for role, name in CONTRACT_ROLES.items()
    ]


def _register_agencies(directory, config: DeployConfig, tx: dict) -> None:
    """Agencies and officer assignments are committee acts; at genesis the deployer holds the
    committee role, without delay, just long enough to record them."""
    for agency in config.agencies:
        directory.registerAgency(agency.id, agency.name, tx)
    for officer in config.officers:
        directory.assignOfficer(officer.account, officer.agency, tx)


def _seat_committee(committee, config: DeployConfig, tx: dict) -> None:
    """The committee's first member agencies, officials and threshold (later: committee acts)."""
    for member in config.committee_members:
        committee.addMemberAgency(member.agency, member.guardian, tx)
        for official in member.officials:
            committee.seatOfficial(official, member.agency, tx)
    if config.committee_threshold:
        committee.setThreshold(config.committee_threshold, tx)


def _committee_grant_calls(hub, committee, config: DeployConfig) -> list[str]:
    """The Committee, and only it, holds COMMITTEE (with COMMITTEE's delay) and ADMIN (with ADMIN's
    delay, for acts on the hub itself)."""
    return [
        hub.grantRole.encode_input(role_id(role), committee, config.execution_delays.get(role, 0))
        for role in ("COMMITTEE", "ADMIN")
    ]


def _role_admin_calls(hub) -> list[str]:
    return [
        hub.setRoleAdmin.encode_input(r.id, role_id(r.admin)) for r in ROLES.values() if r.admin != "ADMIN"
    ]


def _admin_handover_calls(hub, deployer: Account, config: DeployConfig) -> list[str]:
    calls = [
        hub.grantRole.encode_input(role_id("ADMIN"), a.account, a.execution_delay) for a in config.admins
    ]
    # The Committee already holds ADMIN (granted just before), so the hub always keeps an admin.
    if config.renounce_deployer_admin:
        calls.append(hub.renounceRole.encode_input(role_id("ADMIN"), deployer))
    return calls


LOCAL_LIVE_NETWORKS = {"terang-local"}  # a live-type network pointing at the chain `make run` starts


def _is_local() -> bool:
    return CONFIG.network_type == "development" or network.show_active() in LOCAL_LIVE_NETWORKS


def _deployer() -> Account:
    if _is_local():
        if not accounts:
            raise DeployError("the local chain offers no unlocked accounts")
        return accounts[0]
    keystore = os.environ.get("TERANG_DEPLOYER_KEYSTORE")
    if not keystore:
        raise DeployError("set TERANG_DEPLOYER_KEYSTORE to the deployer's encrypted JSON keystore")
    if not Path(keystore).is_file():
        raise DeployError(f"deployer keystore {keystore} does not exist")
    password_file = os.environ.get("TERANG_DEPLOYER_PASSWORD_FILE")
    password = Path(password_file).read_text().strip() if password_file else None
    try:
        return accounts.load(keystore, password=password)
    except ValueError as exc:
        raise DeployError(f"cannot unlock {keystore}: {exc}") from None


def _git_commit() -> str | None:
    head = ROOT / ".git" / "HEAD"
    try:
        ref = head.read_text().strip()
        if ref.startswith("ref: "):
            return (ROOT / ".git" / ref[5:]).read_text().strip()
        return ref
    except OSError:
        return None


def _refuse_redeploy(path: Path) -> None:
    if not path.exists() or os.environ.get("TERANG_FORCE_DEPLOY") == "1":
        return
    try:
        existing = json.loads(path.read_text())
        hub_address = existing["contracts"]["AccessHub"]["address"]
    except (ValueError, KeyError):
        return  # unreadable manifest: nothing to protect
    if len(web3.eth.get_code(hub_address)) > 0:
        raise DeployError(
            f"chain {existing['chainId']} already has a Terang suite (hub {hub_address}, manifest {path}); "
            "set TERANG_FORCE_DEPLOY=1 to deploy a new one"
        )


UNSAFE_OVERRIDE = (
    "TERANG_UNSAFE_LIVE_DEPLOYMENT"  # set by `python -m toolchain.deploy --unsafe-live-deployment`
)


def _refuse_unsafe_live_deployment(config: DeployConfig, chain_id: int) -> None:
    """On a non-development chain, refuse a config that leaves a single key in control (before
    anything is deployed), unless the operator overrode it loudly."""
    if chain_id in DEVELOPMENT_CHAIN_IDS:
        return
    violations = live_safety_violations(config)
    if not violations:
        return
    if os.environ.get(UNSAFE_OVERRIDE) != "1":
        raise DeployError(
            f"unsafe live deployment to chain {chain_id}: {'; '.join(violations)} "
            "(pass --unsafe-live-deployment to deploy anyway)"
        )
    banner = "!" * 78
    print(banner, file=sys.stderr)
    print(f"WARNING: UNSAFE LIVE DEPLOYMENT to chain {chain_id}, overriding these rules:", file=sys.stderr)
    for violation in violations:
        print(f"WARNING:   - {violation}", file=sys.stderr)
    print(banner, file=sys.stderr)


def main() -> None:
    try:
        config = load_deploy_config(
            os.environ.get("TERANG_DEPLOY_CONFIG", str(ROOT / "deploy" / "local.yaml")),
            local_accounts=[str(a) for a in accounts],
        )
        chain_id = web3.eth.chain_id
        out_dir = Path(os.environ.get("TERANG_MANIFEST_DIR", ROOT / "deployments"))
        path = manifest_path(out_dir, chain_id)
        _refuse_redeploy(path)
        _refuse_unsafe_live_deployment(config, chain_id)
        deployer = _deployer()
        tx = {} if _is_local() else {"required_confs": int(os.environ.get("TERANG_CONFIRMATIONS", "2"))}
        suite = deploy_suite(deployer, config, tx)
    except (DeployError, DeployConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)

    build = json.loads((ROOT / "build" / "contracts" / "AccessHub.json").read_text())
    manifest = build_manifest(
        chain_id=chain_id,
        network=network.show_active(),
        deployer=str(deployer),
        contracts={
            name: {
                "address": str(contract),
                "blockNumber": suite.receipts[name].block_number,
                "transactionHash": str(suite.receipts[name].txid),
                "abi": contract.abi,
                "artifact": f"build/contracts/{name}.json",
            }
            for name, contract in suite.all().items()
        },
        compiler=build["compiler"],
        git_commit=_git_commit(),
        config_file=str(config.source),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"Deployed the Terang suite to chain {chain_id}; manifest written to {path}")
    for name, contract in suite.all().items():
        print(f"  {name:<18} {contract}")
