"""The permission table of app/protocol/roles.py is what the chain enforces.

* Every state-changing function of every managed contract is either restricted to a role in
  PERMISSIONS or deliberately open (PUBLIC_FUNCTIONS), and the hub maps each restricted function to
  exactly the declared role.
* For every entry of PERMISSIONS, accounts without the role are refused, whatever role they hold
  instead (including the hub admin), and cannot schedule the call either.
* For every entry of the foundation contracts (AgencyDirectory, SupplierRegistry), a holder of the
  role succeeds, through the hub's delay when the role has one. Contracts added later bring their
  own allowed-path tests; the refusals, the mapping and the completeness check cover them here.

Role holders come from deploy/local.yaml (the `deploy_config` fixture), the same source the deploy
script grants them from.
"""

from __future__ import annotations

from types import SimpleNamespace

import brownie
import pytest
from brownie import accounts

from app.protocol.roles import CONTRACT_ROLES, MANAGED_CONTRACTS, PERMISSIONS, PUBLIC_FUNCTIONS, role_id
from tests.contracts.conftest import PU, hmac_id
from tests.contracts.revert_messages import custom_error, latest_timestamp, placeholder_args, selector

ENTRIES = [
    (contract, function, role)
    for contract, functions in PERMISSIONS.items()
    for function, role in functions.items()
]
ENTRY_IDS = [f"{contract}.{function}-{role}" for contract, function, role in ENTRIES]
FOUNDATION = ("AgencyDirectory", "SupplierRegistry")
INHERITED_PUBLIC = {"setAuthority"}  # AccessManaged: only the hub itself may call it
YEAR = 365 * 86400


# --- who holds what, per deploy/local.yaml -----------------------------------------------------


@pytest.fixture(scope="module")
def holders(deploy_config, deployer):
    """role name -> accounts holding it, in config order (the deployer first for ADMIN while it
    keeps the hub admin role)."""
    result: dict[str, list] = {}
    if not deploy_config.renounce_deployer_admin:
        result["ADMIN"] = [deployer]
    for grant in deploy_config.admins + deploy_config.grants:
        result.setdefault(grant.role, []).append(accounts.at(grant.account))
    # COMMITTEE is the Committee contract's; its officials act through it (the `delayed` fixture).
    result["COMMITTEE"] = [
        accounts.at(official) for member in deploy_config.committee_members for official in member.officials
    ]
    return result


@pytest.fixture(scope="module")
def others(holders, outsider):
    """For a role: one holder of every other role who does not also hold it, the hub admin, and an
    account with no role at all."""

    def without(role: str) -> list:
        members = {str(account) for account in holders.get(role, [])}
        chosen = {}
        for name, accounts_of_role in holders.items():
            if name == role:
                continue
            for account in accounts_of_role:
                if str(account) not in members:
                    chosen.setdefault(str(account), account)
                    break
        chosen.setdefault(str(outsider), outsider)
        return list(chosen.values())

    return without


def test_every_role_named_in_the_table_has_a_holder_in_the_deploy_config(holders):
    for _, _, role in ENTRIES:
        if role in CONTRACT_ROLES:
            continue  # a contract's role, granted by the deployment (tests/contracts/test_epurchasing.py)
        assert holders.get(role), f"no account holds {role} in deploy/local.yaml"


# --- completeness and mapping ------------------------------------------------------------------


def _state_changing(contract) -> set[str]:
    return {
        entry["name"]
        for entry in contract.abi
        if entry.get("type") == "function" and entry["stateMutability"] not in ("view", "pure")
    }


@pytest.mark.parametrize("contract_name", MANAGED_CONTRACTS)
def test_every_state_changing_function_is_in_the_table_or_declared_public(suite, contract_name):
    restricted = set(PERMISSIONS.get(contract_name, {}))
    public = PUBLIC_FUNCTIONS.get(contract_name, set())
    undeclared = _state_changing(suite.contracts[contract_name]) - INHERITED_PUBLIC - restricted - public
    assert not undeclared, f"{contract_name}: add {sorted(undeclared)} to PERMISSIONS or PUBLIC_FUNCTIONS"


@pytest.mark.parametrize("contract_name", MANAGED_CONTRACTS)
def test_the_table_names_only_state_changing_functions_of_the_contract(suite, contract_name):
    declared = set(PERMISSIONS.get(contract_name, {})) | PUBLIC_FUNCTIONS.get(contract_name, set())
    stale = declared - _state_changing(suite.contracts[contract_name])
    assert not stale, f"{contract_name}: {sorted(stale)} are not state-changing functions of the contract"


def test_no_function_is_both_restricted_and_public():
    for contract_name, public in PUBLIC_FUNCTIONS.items():
        assert contract_name in MANAGED_CONTRACTS
        assert not public & set(PERMISSIONS.get(contract_name, {}))


@pytest.mark.parametrize("contract_name,function,role", ENTRIES, ids=ENTRY_IDS)
def test_the_hub_maps_the_function_to_its_declared_role(hub, suite, contract_name, function, role):
    contract = suite.contracts[contract_name]
    assert hub.getTargetFunctionRole(contract, contract.signatures[function]) == role_id(role)


@pytest.mark.parametrize("contract_name", MANAGED_CONTRACTS)
def test_every_managed_contract_answers_to_the_hub(hub, suite, contract_name):
    contract = suite.contracts[contract_name]
    assert contract.authority() == hub
    assert not hub.isTargetClosed(contract)


@pytest.mark.parametrize(
    "contract_name,function",
    [(c, f) for c, functions in PUBLIC_FUNCTIONS.items() for f in sorted(functions)],
)
def test_a_public_function_is_not_gated_by_the_hub(suite, outsider, contract_name, function):
    contract = suite.contracts[contract_name]
    try:
        getattr(contract, function)(*placeholder_args(contract, function), {"from": outsider})
    except brownie.exceptions.VirtualMachineError as exc:
        assert not str(exc.revert_msg).startswith("AccessManaged"), exc.revert_msg


# --- refused without the role ------------------------------------------------------------------


@pytest.mark.parametrize("contract_name,function,role", ENTRIES, ids=ENTRY_IDS)
def test_a_caller_without_the_role_is_refused(suite, others, contract_name, function, role):
    contract = suite.contracts[contract_name]
    args = placeholder_args(contract, function)
    callers = others(role)
    assert callers
    for caller in callers:
        with brownie.reverts(custom_error("AccessManagedUnauthorized", caller)):
            getattr(contract, function)(*args, {"from": caller})


@pytest.mark.parametrize("contract_name,function,role", ENTRIES, ids=ENTRY_IDS)
def test_a_caller_without_the_role_cannot_schedule_the_call(
    hub, suite, others, contract_name, function, role
):
    contract = suite.contracts[contract_name]
    data = getattr(contract, function).encode_input(*placeholder_args(contract, function))
    for caller in others(role):
        with brownie.reverts(custom_error("AccessManagerUnauthorizedCall", caller, contract, selector(data))):
            hub.schedule(contract, data, 0, {"from": caller})


# --- allowed with the role ---------------------------------------------------------------------
#
# Each scenario prepares the state the call needs (with calls by other parties) and returns the
# arguments and the event the successful call emits. The caller is the first holder of the role in
# deploy/local.yaml: the committee (dev:1, delayed), the guardian (dev:3), the IKN officer (dev:4).


def _registered(ctx, by=None):
    return ctx.register_supplier(ctx.supplier_keys[0], by=by)


def _blacklisted(ctx):
    supplier_id = ctx.active_supplier(ctx.supplier_keys[0])
    ctx.blacklist(supplier_id, latest_timestamp() + 60, latest_timestamp() + YEAR)
    return supplier_id


def _proposed(ctx):
    """A blacklisting proposed by the second IKN officer, for the first (the role's holder) to confirm."""
    supplier_id = _registered(ctx)
    start = latest_timestamp() + 60
    tx = ctx.registry.proposeBlacklist(
        supplier_id, start, start + YEAR, hmac_id("sk"), {"from": ctx.officer2}
    )
    return tx.events["SupplierBlacklistProposed"]["proposalId"]


def _paused(contract, ctx):
    contract.pause({"from": ctx.guardian})
    return ()


SCENARIOS = {
    ("AgencyDirectory", "registerAgency"): (
        lambda ctx: (6372, "Pemerintah Kota Banjarbaru"),
        "AgencyRegistered",
    ),
    ("AgencyDirectory", "assignOfficer"): (lambda ctx: (ctx.outsider, PU), "OfficerAssigned"),
    ("AgencyDirectory", "removeOfficer"): (lambda ctx: (ctx.officer2,), "OfficerRemoved"),
    ("AgencyDirectory", "pause"): (lambda ctx: (), "Paused"),
    ("AgencyDirectory", "unpause"): (lambda ctx: _paused(ctx.directory, ctx), "Unpaused"),
    ("SupplierRegistry", "registerSupplier"): (
        lambda ctx: (ctx.supplier_keys[0], hmac_id("nib"), hmac_id("npwp"), True, 6409),
        "SupplierRegistered",
    ),
    ("SupplierRegistry", "verifySupplier"): (
        lambda ctx: (_registered(ctx, by=ctx.officer2),),
        "SupplierVerified",
    ),
    ("SupplierRegistry", "updateSupplierProfile"): (
        lambda ctx: (_registered(ctx), True, 6372, hmac_id("alasan")),
        "SupplierProfileUpdated",
    ),
    ("SupplierRegistry", "proposeBlacklist"): (
        lambda ctx: (_registered(ctx), latest_timestamp() + 60, latest_timestamp() + YEAR, hmac_id("sk")),
        "SupplierBlacklistProposed",
    ),
    ("SupplierRegistry", "confirmBlacklist"): (lambda ctx: (_proposed(ctx),), "SupplierBlacklisted"),
    ("SupplierRegistry", "liftBlacklist"): (
        lambda ctx: (_blacklisted(ctx), hmac_id("banding")),
        "SupplierBlacklistLifted",
    ),
    ("SupplierRegistry", "recoverSupplierKey"): (
        lambda ctx: (_registered(ctx), ctx.supplier_keys[1]),
        "SupplierKeyRotated",
    ),
    ("SupplierRegistry", "pause"): (lambda ctx: (), "Paused"),
    ("SupplierRegistry", "unpause"): (lambda ctx: _paused(ctx.registry, ctx), "Unpaused"),
}

FOUNDATION_ENTRIES = [entry for entry in ENTRIES if entry[0] in FOUNDATION]


def test_every_foundation_permission_has_an_allowed_scenario():
    assert {(c, f) for c, f, _ in FOUNDATION_ENTRIES} == set(SCENARIOS)


@pytest.fixture
def ctx(
    directory,
    registry,
    register_supplier,
    active_supplier,
    blacklist,
    guardian,
    officer2,
    pu_officer,
    outsider,
    supplier_keys,
):
    return SimpleNamespace(
        directory=directory,
        registry=registry,
        register_supplier=register_supplier,
        active_supplier=active_supplier,
        blacklist=blacklist,
        guardian=guardian,
        officer2=officer2,
        pu_officer=pu_officer,
        outsider=outsider,
        supplier_keys=supplier_keys,
    )


@pytest.mark.parametrize(
    "contract_name,function,role",
    FOUNDATION_ENTRIES,
    ids=[f"{c}.{f}-{r}" for c, f, r in FOUNDATION_ENTRIES],
)
def test_a_holder_of_the_role_succeeds(hub, suite, holders, delayed, ctx, contract_name, function, role):
    contract = suite.contracts[contract_name]
    caller = holders[role][0]
    prepare, event = SCENARIOS[(contract_name, function)]
    args = prepare(ctx)

    immediate, delay = hub.canCall(caller, contract, contract.signatures[function])
    if role == "COMMITTEE":
        tx = delayed(caller, contract, function, *args)
    elif immediate:
        tx = getattr(contract, function)(*args, {"from": caller})
    else:
        assert delay > 0, f"{caller} holds {role} but the hub neither allows nor schedules its call"
        tx = delayed(caller, contract, function, *args)

    assert tx.status == 1
    topic = bytes.fromhex(contract.topics[event][2:])
    emitted_here = [
        log for log in tx.logs if log["address"] == contract.address and bytes(log["topics"][0]) == topic
    ]
    assert len(emitted_here) == 1, f"{contract_name}.{function} did not emit {event}"
