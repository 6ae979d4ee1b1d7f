"""The committee's typed acts: what a member official may propose, turned into the calls the
Committee contract runs through the hub once k member agencies approved and the delay passed, and
those calls decoded back for people (contract, function, named arguments, the act they are).

An act is checked before it is proposed (the escrow exists and has an open dispute, the programme
exists, the contract can be unpaused...) and against the hub: every call must be one the Committee
may make (`AccessManager.canCall(committee, target, selector)` immediate or delayed), else 422
`act_not_committee`, so nothing is proposed that could never execute.

Adding an act (e.g. the publication of a policy version, `PolicyRegistry.publishPolicy`, once the
registry is deployed): a model with its own `kind` literal in ACT_MODELS, and a builder in BUILDERS
returning its calls. The proposal routes, the decoding and the explorer need nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from eth_utils import to_checksum_address
from pydantic import BaseModel, Field
from web3 import Web3
from web3.exceptions import ContractCustomError

from app.api.errors import ApiError
from app.escrows import views as escrow_views
from app.escrows.schemas import ADDRESS, BYTES32
from app.ledger.client import ChainClient
from app.protocol.roles import ADMIN_ROLE, PUBLIC_ROLE, ROLES
from app.welfare.schemas import BudgetLineProposal, Rules

COMMITTEE = "Committee"
HUB = "AccessHub"
ESCROW, WELFARE = "MilestoneEscrow", "WelfarePrograms"


# ------------------------------------------------------------------------------------ the acts


class DisputeResolutionAct(BaseModel):
    """The committee's decision on an open dispute of a milestone (MilestoneEscrow.resolveDispute)."""

    kind: Literal["escrow_dispute_resolution"]
    escrowId: str = Field(pattern=BYTES32, description="The escrow id (the awarded tender's id)")
    index: int = Field(ge=0, lt=64, description="Milestone index (termin), from 0")
    overturn: bool = Field(description="true: the supplier is right (pay / refund); false: uphold")
    decisionHash: str = Field(pattern=BYTES32, description="Hash of the committee's decision")


class TerminationAct(BaseModel):
    """The termination of a contract (MilestoneEscrow.terminate)."""

    kind: Literal["escrow_termination"]
    escrowId: str = Field(pattern=BYTES32, description="The escrow id (the awarded tender's id)")
    reasonHash: str = Field(pattern=BYTES32, description="Hash of the termination decision")


class VerifierReplacementAct(BaseModel):
    """A verifier's seat of an escrow given to another official (MilestoneEscrow.replaceVerifier)."""

    kind: Literal["escrow_verifier_replacement"]
    escrowId: str = Field(pattern=BYTES32, description="The escrow id (the awarded tender's id)")
    current: str = Field(pattern=ADDRESS, description="The verifier whose seat is given away")
    successor: str = Field(pattern=ADDRESS, description="Who takes the seat: not a verifier of it yet")
    reasonHash: str = Field(pattern=BYTES32, description="Hash of the committee's reasoned decision")


class WelfareRulesAct(BaseModel):
    """A welfare programme's new rules, in force from the period after execution
    (WelfarePrograms.changeRules)."""

    kind: Literal["welfare_rules"]
    programmeId: int = Field(ge=1, lt=2**32)
    rules: Rules


class BudgetLineAct(BudgetLineProposal):
    """A welfare budget line the welfare admin may then define programmes within
    (WelfarePrograms.approveBudgetLine)."""

    kind: Literal["welfare_budget_line"]


class OfficialKeyRotationAct(BaseModel):
    """An official's key replaced (a stolen or lost key): the successor account receives every hub
    role the current one holds (with the same execution delay), its agency in the AgencyDirectory
    and its committee seat, and the current account loses them all, in one act
    (docs/runbooks/signer-key-compromise.en.md)."""

    kind: Literal["official_key_rotation"]
    current: str = Field(pattern=ADDRESS, description="The account whose key is replaced")
    successor: str = Field(pattern=ADDRESS, description="The official's new account: holds nothing yet")


class PauseAct(BaseModel):
    """Pausing or unpausing a deployed contract (its `pause()` / `unpause()`)."""

    kind: Literal["pause", "unpause"]
    contract: str = Field(
        pattern=r"^[A-Za-z][A-Za-z0-9]{0,63}$", description="The contract's name in the deployment"
    )


ACT_MODELS = (
    DisputeResolutionAct,
    TerminationAct,
    VerifierReplacementAct,
    WelfareRulesAct,
    BudgetLineAct,
    OfficialKeyRotationAct,
    PauseAct,
)
Act = Annotated[
    DisputeResolutionAct
    | TerminationAct
    | VerifierReplacementAct
    | WelfareRulesAct
    | BudgetLineAct
    | OfficialKeyRotationAct
    | PauseAct,
    Field(discriminator="kind"),
]


@dataclass(frozen=True)
class ProposedCall:
    contract: str  # name in the deployment manifest
    target: str  # checksum address
    function: str
    args: tuple
    data: bytes


def _call(chain: ChainClient, contract: str, function: str, args: list) -> ProposedCall:
    deployed = chain.contract(contract)
    data = Web3.to_bytes(hexstr=deployed.encode_abi(function, args))
    return ProposedCall(contract, deployed.address, function, tuple(args), data)


def _escrow(chain: ChainClient, escrow_id: str) -> dict:
    data = escrow_views.raw_escrow(chain, escrow_id)
    if data is None:
        raise ApiError(404, "not_found", detail=f"no escrow {escrow_id}")
    return data


def _dispute_resolution(chain: ChainClient, act: DisputeResolutionAct) -> list[ProposedCall]:
    data = _escrow(chain, act.escrowId)
    if act.index >= data["milestoneCount"]:
        count = data["milestoneCount"]
        raise ApiError(404, "not_found", detail=f"escrow {act.escrowId} has {count} milestones")
    milestone = escrow_views.milestone_view(chain, act.escrowId, data, act.index)
    if milestone["status"] != "disputed" and milestone["penaltyDispute"] != "open":
        raise ApiError(409, "EscrowNoOpenDispute", detail=f"milestone {act.index} has no open dispute")
    args = [act.escrowId, act.index, act.overturn, act.decisionHash]
    return [_call(chain, ESCROW, "resolveDispute", args)]


def _termination(chain: ChainClient, act: TerminationAct) -> list[ProposedCall]:
    status = escrow_views.ESCROW_STATUS[_escrow(chain, act.escrowId)["status"]]
    if status not in ("awaiting_countersign", "active"):
        raise ApiError(409, "EscrowWrongStatus", detail=f"a {status} contract cannot be terminated")
    return [_call(chain, ESCROW, "terminate", [act.escrowId, act.reasonHash])]


def _verifier_replacement(chain: ChainClient, act: VerifierReplacementAct) -> list[ProposedCall]:
    status = escrow_views.ESCROW_STATUS[_escrow(chain, act.escrowId)["status"]]
    if status != "active":
        raise ApiError(409, "EscrowWrongStatus", detail=f"a {status} contract's verifiers cannot be replaced")
    current, successor = (Web3.to_checksum_address(a) for a in (act.current, act.successor))
    seats = chain.contract(ESCROW).functions.verifiersOf(act.escrowId).call()
    if current not in seats:
        raise ApiError(
            409, "EscrowNotVerifier", detail=f"{current} is not a verifier of escrow {act.escrowId}"
        )
    if successor in seats:
        raise ApiError(
            422, "EscrowInvalidVerifier", detail=f"{successor} already holds a seat of escrow {act.escrowId}"
        )
    return [_call(chain, ESCROW, "replaceVerifier", [act.escrowId, current, successor, act.reasonHash])]


def _welfare_rules(chain: ChainClient, act: WelfareRulesAct) -> list[ProposedCall]:
    if WELFARE not in chain.manifest.contracts:
        raise ApiError(404, "not_found", detail="no welfare contract in this deployment")
    try:
        chain.contract(WELFARE).functions.getProgramme(act.programmeId).call()
    except ContractCustomError:  # WelfareUnknownProgramme: the only error getProgramme raises
        raise ApiError(404, "WelfareUnknownProgramme", detail=f"no programme {act.programmeId}") from None
    return [_call(chain, WELFARE, "changeRules", [act.programmeId, *act.rules.on_chain()])]


def _budget_line(chain: ChainClient, act: BudgetLineAct) -> list[ProposedCall]:
    if WELFARE not in chain.manifest.contracts:
        raise ApiError(404, "not_found", detail="no welfare contract in this deployment")
    return [_call(chain, WELFARE, "approveBudgetLine", act.on_chain())]


def holdings(chain: ChainClient, account: str) -> tuple[list[tuple[int, int]], int, int]:
    """What `account` holds: its hub roles with their execution delays (ADMIN, never a person's on a
    live network, is not moved by this act), its agency in the directory and its committee seat."""
    hub = chain.contract(HUB)
    roles = []
    for role in ROLES.values():
        if role.id in (ADMIN_ROLE, PUBLIC_ROLE):
            continue
        member, delay = hub.functions.hasRole(role.id, account).call()
        if member:
            roles.append((role.id, delay))
    try:
        agency = int(chain.read("AgencyDirectory", "agencyOf", account))
    except ContractCustomError:  # AgencyOfficerUnassigned
        agency = 0
    committee = COMMITTEE in chain.manifest.contracts
    seat = chain.contract(COMMITTEE).functions.agencyOf(account).call() if committee else 0
    return roles, agency, seat


# Roles only contracts hold: the committee's own powers are never a person's, so no rotation moves them.
NEVER_ROTATED = frozenset(ROLES[name].id for name in ("COMMITTEE",) if name in ROLES)


def require_person(chain: ChainClient, account: str) -> None:
    """A key rotation moves a person's key: an account with code (the Committee, any contract of the
    suite) is refused, so no act dressed as a rotation hands a contract's powers to one key."""
    deployed = {c.address.lower() for c in chain.manifest.contracts.values()}
    if account.lower() in deployed or len(chain.web3.eth.get_code(account)) > 0:
        raise ApiError(422, "account_not_official", detail=f"{account} is a contract, not an official's key")


def _key_rotation(chain: ChainClient, act: OfficialKeyRotationAct) -> list[ProposedCall]:
    current, successor = (to_checksum_address(a) for a in (act.current, act.successor))
    if current == successor:
        raise ApiError(422, "successor_in_use", detail="the successor must be another account")
    require_person(chain, current)
    require_person(chain, successor)
    roles, agency, seat = holdings(chain, current)
    if any(role in NEVER_ROTATED for role, _delay in roles):
        raise ApiError(422, "account_not_official", detail=f"{current} holds the committee's own role")
    if not roles and not agency and not seat:
        raise ApiError(404, "not_found", detail=f"{current} holds no role, agency or committee seat")
    if any(holdings(chain, successor)):
        raise ApiError(
            409, "successor_in_use", detail=f"{successor} already holds a role, an agency or a seat"
        )
    calls = [_call(chain, HUB, "grantRole", [role, successor, delay]) for role, delay in roles]
    if agency:
        calls += [
            _call(chain, "AgencyDirectory", "removeOfficer", [current]),
            _call(chain, "AgencyDirectory", "assignOfficer", [successor, agency]),
        ]
    if seat:
        calls += [
            _call(chain, COMMITTEE, "unseatOfficial", [current]),
            _call(chain, COMMITTEE, "seatOfficial", [successor, seat]),
        ]
    return calls + [_call(chain, HUB, "revokeRole", [role, current]) for role, _delay in roles]


def _pause(chain: ChainClient, act: PauseAct) -> list[ProposedCall]:
    if act.contract not in chain.manifest.contracts:
        raise ApiError(404, "not_found", detail=f"no contract {act.contract} in this deployment")
    contract = chain.contract(act.contract)
    names = {f.get("name") for f in contract.abi if f.get("type") == "function"}
    if act.kind not in names or "paused" not in names:
        raise ApiError(422, "act_not_committee", detail=f"{act.contract} cannot be paused or unpaused")
    paused = contract.functions.paused().call()
    if paused == (act.kind == "pause"):
        raise ApiError(
            409, "already_" + ("paused" if paused else "unpaused"), detail=f"{act.contract} is already so"
        )
    return [_call(chain, act.contract, act.kind, [])]


BUILDERS = {
    "escrow_dispute_resolution": _dispute_resolution,
    "escrow_termination": _termination,
    "escrow_verifier_replacement": _verifier_replacement,
    "welfare_rules": _welfare_rules,
    "welfare_budget_line": _budget_line,
    "official_key_rotation": _key_rotation,
    "pause": _pause,
    "unpause": _pause,
}


def calls_of(chain: ChainClient, acts: list, check_hub: bool = True) -> list[ProposedCall]:
    """The calls of `acts`, in order, each checked and each one the Committee may make through the hub."""
    calls = [call for act in acts for call in BUILDERS[act.kind](chain, act)]
    if not check_hub:
        return calls
    hub, committee = chain.contract(HUB), chain.manifest.address(COMMITTEE)
    for call in calls:
        immediate, delay = hub.functions.canCall(committee, call.target, call.data[:4]).call()
        if not immediate and delay == 0:
            raise ApiError(
                422,
                "act_not_committee",
                detail=f"the committee may not call {call.contract}.{call.function}",
            )
    return calls


# ------------------------------------------------------------------------------------ decoding

# (contract, function) -> the act kind it is
KIND_OF = {
    (ESCROW, "resolveDispute"): "escrow_dispute_resolution",
    (ESCROW, "terminate"): "escrow_termination",
    (ESCROW, "replaceVerifier"): "escrow_verifier_replacement",
    (WELFARE, "changeRules"): "welfare_rules",
    (WELFARE, "approveBudgetLine"): "welfare_budget_line",
    ("AgencyDirectory", "assignOfficer"): "official_key_rotation",
    ("AgencyDirectory", "removeOfficer"): "official_key_rotation",
    (HUB, "grantRole"): "official_key_rotation",
    (HUB, "revokeRole"): "official_key_rotation",
}


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def decode_call(chain: ChainClient, target: str, data: str | bytes) -> dict[str, Any]:
    """One proposed call for people: the contract's name, the function and its named arguments, and
    the act it is (None for a call no act builds, e.g. one of the hub's own functions)."""
    raw = data if isinstance(data, bytes) else Web3.to_bytes(hexstr=data)
    target = to_checksum_address(target)
    names = {to_checksum_address(c.address): name for name, c in chain.manifest.contracts.items()}
    name = names.get(target)
    decoded: dict[str, Any] = {
        "target": target,
        "contract": name,
        "function": None,
        "args": {},
        "act": None,
        "data": "0x" + raw.hex(),
    }
    if name is None:
        return decoded
    try:
        function, args = chain.contract(name).decode_function_input(raw)
    except Exception:  # not one of the contract's functions, or arguments that do not decode
        return decoded
    decoded["function"], decoded["args"] = function.fn_name, _plain(dict(args))
    decoded["act"] = KIND_OF.get((name, function.fn_name)) or (
        function.fn_name if function.fn_name in ("pause", "unpause") else None
    )
    return decoded
