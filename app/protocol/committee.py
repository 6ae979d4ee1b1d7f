"""The multi-agency committee's proposals, built exactly as contracts/Committee.sol reads them.

A committee act is a proposal: a list of calls (target contract, calldata) that the Committee
schedules in the hub once `threshold` distinct member agencies approve, and executes, in order and
atomically, after the hub's delay unless a guardian agency (BPK, KPK) vetoes it. See
docs/decisions/0018-multi-agency-committee.md.

Only eth-abi and eth-utils are imported, so both Python environments (brownie's and the gateway's)
can use it.

    calls = [call(directory_address, "removeOfficer(address)", official)]
    committee.propose(proposal_calls(calls), description_hash("Pencabutan pejabat ..."))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from app.protocol import vocabulary

STATUS = vocabulary.enum("ICommittee.ProposalStatus")
CALL_ABI = vocabulary.struct("ICommittee.Call").abi_type  # "(address,bytes)"
UNPAUSE = "unpause()"


@dataclass(frozen=True)
class Call:
    """One call of a proposal: `data` (selector + ABI-encoded arguments) sent to `target` via the hub."""

    target: str
    data: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "target", to_checksum_address(self.target))
        object.__setattr__(self, "data", bytes(self.data))
        if len(self.data) < 4:
            raise ValueError("a call's data starts with a 4-byte function selector")

    @property
    def selector(self) -> bytes:
        return self.data[:4]

    def as_tuple(self) -> tuple[str, bytes]:
        return (self.target, self.data)


def selector(signature: str) -> bytes:
    """The 4-byte selector of a canonical signature, e.g. "removeOfficer(address)"."""
    return keccak(text=signature)[:4]


def _argument_types(signature: str) -> list[str]:
    inner = signature[signature.index("(") + 1 : signature.rindex(")")]
    if not inner:
        return []
    if "(" in inner:
        raise ValueError(f"{signature}: tuple arguments are not split here; pass encoded data to Call")
    return inner.split(",")


def calldata(signature: str, *args) -> bytes:
    """Selector + ABI-encoded arguments for a canonical signature of plain (non-tuple) types."""
    return selector(signature) + encode(_argument_types(signature), list(args))


def call(target: str, signature: str, *args) -> Call:
    """A proposal call: `signature` (canonical, e.g. "unpause()") with `args`, sent to `target`."""
    return Call(target, calldata(signature, *args))


def proposal_calls(calls: Iterable[Call]) -> list[tuple[str, bytes]]:
    """The calls as Committee.propose takes them: [(target, data), ...]."""
    return [c.as_tuple() for c in calls]


def description_hash(text: str) -> bytes:
    """The hash recorded on chain for a proposal's public description (the text lives off chain)."""
    return keccak(text=text)


def calls_hash(calls: Sequence[Call]) -> bytes:
    """keccak256(abi.encode(Call[] calls)), the base of a proposal's act key."""
    return keccak(encode([f"{CALL_ABI}[]"], [proposal_calls(calls)]))


def act_key(calls: Sequence[Call], pause_starts: dict[str, int] | None = None) -> bytes:
    """What a guardian agency's one veto is counted against (Committee.actKeyOf): the calls' hash,
    folded with (target, pause start) for each `unpause()` call. `pause_starts` maps a target to the
    active time at which its current pause began (block time minus `pausedTotal()`; 0 when it is not
    paused), as the chain saw it when the proposal was made."""
    key = calls_hash(calls)
    unpause = selector(UNPAUSE)
    for c in calls:
        if c.data == unpause:
            start = (pause_starts or {}).get(c.target, 0)
            key = keccak(encode(["bytes32", "address", "uint256"], [key, c.target, start]))
    return key


def remove_official_calls(
    hub: str,
    official: str,
    role_ids: Iterable[int] = (),
    directory: str | None = None,
    committee: str | None = None,
) -> list[Call]:
    """One committee act that removes an official everywhere at once: the hub's roles
    (`revokeRole`), its agency in the AgencyDirectory (`removeOfficer`) and its committee seat
    (`unseatOfficial`), each only when given."""
    calls = [call(hub, "revokeRole(uint64,address)", role, official) for role in role_ids]
    if directory:
        calls.append(call(directory, "removeOfficer(address)", official))
    if committee:
        calls.append(call(committee, "unseatOfficial(address)", official))
    if not calls:
        raise ValueError("nothing to remove: give role ids, the directory or the committee")
    return calls


def status_word(code: int) -> str:
    """A proposal status code as the API says it ("proposed", "scheduled", ...)."""
    return STATUS.word(code)


__all__ = [
    "Call",
    "STATUS",
    "act_key",
    "call",
    "calldata",
    "calls_hash",
    "description_hash",
    "proposal_calls",
    "remove_official_calls",
    "selector",
    "status_word",
]
