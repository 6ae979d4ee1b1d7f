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
    MilestoneEscrow,
    Payments,
    SupplierRegistry,
    TenderEvaluation,
    TenderObjections,
    Tenders,
    TenderSetup,
    TkdnRegistry,
    WelfareBudget,
    WelfarePrograms,
    accounts,
    network,
    web3,
)
from brownie._config import CONFIG
from brownie.network.account import Account

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.protocol.manifest import build_manifest, manifest_path  # noqa: E402
from app.protocol.roles import MANAGED_CONTRACTS, PERMISSIONS, ROLES, role_id  # noqa: E402
from toolchain import brownie_receipts  # noqa: E402
from toolchain.deploy_config import DeployConfig, DeployConfigError, load_deploy_config  # noqa: E402

# anvil's receipts can lag its state by a moment; brownie must not call such a transaction dropped.
brownie_receipts.install()

CONTRACT_TYPES = {
    "AgencyDirectory": AgencyDirectory,
    "SupplierRegistry": SupplierRegistry,
    "TkdnRegistry": TkdnRegistry,
    "Tenders": Tenders,
    "Payments": Payments,
    "MilestoneEscrow": MilestoneEscrow,
    "WelfarePrograms": WelfarePrograms,
}
# Linked libraries (external functions), deployed before the contracts that use them; brownie links
# a contract to the latest deployed instance of each library it needs.
LIBRARY_TYPES = {
    "TenderSetup": TenderSetup,
    "TenderEvaluation": TenderEvaluation,
    "TenderObjections": TenderObjections,
    "WelfareBudget": WelfareBudget,
}

# Procurement figures of Perpres 16/2018 as amended (docs/domain.md), fixed per deployment.
TKDN_BMP_CAP_BPS = 1_500  # BMP counts at most 15%
TENDER_POLICY = {
    "preferenceHpsThreshold": 1_000_000_000,  # preference only for goods with HPS > Rp1 miliar
    "preferenceMinTkdnBps": 2_500,  # ... and an offered TKDN of at least 25%
    "maxPreferenceBps": 2_500,  # preference at most 25%
    "domesticOnlyMinBps": 4_000,  # "domestic only": TKDN + BMP >= 40%
    "umkmReservationCeiling": 15_000_000_000,  # UMKM reservation up to Rp15 miliar
    "addendumNotice": 3 * 24 * 3600,  # a late addendum leaves bidders at least three days
    "bidBondHpsThreshold": 10_000_000_000,  # construction above Rp10 miliar: bid bond 1-3% of HPS
    "appealWindow": 5 * 24 * 3600,  # sanggah banding within five days of the objection's answer
    "quorumOpeningWindow": 2 * 24 * 3600,  # the Pokja quorum opens withheld bids within two days
}
# Contracts above Rp200 juta need a performance bond (jaminan pelaksanaan, docs/domain.md).
PERFORMANCE_BOND_THRESHOLD = 200_000_000
# Contracts the committee registers as payment sources at genesis (Payments.registerSource).
PAYMENT_SOURCES = ("MilestoneEscrow", "WelfarePrograms")
TENDER_POLICY_FIELDS = (
    "preferenceHpsThreshold",
    "preferenceMinTkdnBps",
    "maxPreferenceBps",
    "domesticOnlyMinBps",
    "umkmReservationCeiling",
    "addendumNotice",
    "bidBondHpsThreshold",
    "appealWindow",
    "quorumOpeningWindow",
)


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
    args_by_contract = {
        "AgencyDirectory": (hub,),
        "SupplierRegistry": lambda: (hub, suite.contracts["AgencyDirectory"]),
        "TkdnRegistry": (hub, TKDN_BMP_CAP_BPS),
        "Tenders": lambda: (
            hub,
            suite.contracts["AgencyDirectory"],
            suite.contracts["SupplierRegistry"],
            suite.contracts["TkdnRegistry"],
            tuple(TENDER_POLICY[key] for key in TENDER_POLICY_FIELDS),
        ),
        "Payments": (hub,),
        "MilestoneEscrow": lambda: (
            hub,
            suite.contracts["AgencyDirectory"],
            suite.contracts["SupplierRegistry"],
            suite.contracts["Tenders"],
            suite.contracts["Payments"],
            PERFORMANCE_BOND_THRESHOLD,
        ),
        "WelfarePrograms": lambda: (hub, suite.contracts["Payments"]),
    }
    for name, library_type in LIBRARY_TYPES.items():
        library = library_type.deploy(tx)
        suite.libraries[name] = library
        suite.receipts[name] = library.tx
    for name in MANAGED_CONTRACTS:
        args = args_by_contract[name]
        contract = CONTRACT_TYPES[name].deploy(*(args() if callable(args) else args), tx)
        suite.contracts[name] = contract
        suite.receipts[name] = contract.tx

    # Hub configuration goes in two multicall transactions (AccessManager is Multicall), so a
    # live network needs a handful of confirmations rather than one per setting.
    deployer_is_committee = bool(config.agencies or config.officers or PAYMENT_SOURCES)
    hub.multicall(
        _permission_calls(hub, suite.contracts)
        + _role_setting_calls(hub, config)
        + ([hub.grantRole.encode_input(role_id("COMMITTEE"), deployer, 0)] if deployer_is_committee else []),
        tx,
    )
    _register_agencies(suite.contracts["AgencyDirectory"], config, tx)
    for source in PAYMENT_SOURCES:
        suite.contracts["Payments"].registerSource(suite.contracts[source], tx)
    # The configured grants only after the deployer gave up its genesis committee role: a deployer
    # that the config names to the committee keeps that (delayed) membership.
    # Role admins last: once COMMITTEE administers a role, the deployer (ADMIN) can no longer grant it.
    hub.multicall(
        ([hub.renounceRole.encode_input(role_id("COMMITTEE"), deployer)] if deployer_is_committee else [])
        + _grant_calls(hub, config)
        + _role_admin_calls(hub)
        + _admin_handover_calls(hub, deployer, config),
        tx,
    )
    return suite


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


def _register_agencies(directory, config: DeployConfig, tx: dict) -> None:
    """Agencies and officer assignments are committee acts; at genesis the deployer holds the
    committee role, without delay, just long enough to record them."""
    for agency in config.agencies:
        directory.registerAgency(agency.id, agency.name, tx)
    for officer in config.officers:
        directory.assignOfficer(officer.account, officer.agency, tx)


def _role_admin_calls(hub) -> list[str]:
    return [
        hub.setRoleAdmin.encode_input(r.id, role_id(r.admin)) for r in ROLES.values() if r.admin != "ADMIN"
    ]


def _admin_handover_calls(hub, deployer: Account, config: DeployConfig) -> list[str]:
    calls = [
        hub.grantRole.encode_input(role_id("ADMIN"), a.account, a.execution_delay) for a in config.admins
    ]
    if config.admins and config.renounce_deployer_admin:
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
