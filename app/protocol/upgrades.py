"""Replacing a contract's logic: a successor contract takes over under the same name, its predecessor
is frozen (docs/decisions/0024-upgrades.md). This module builds the ONE committee act that does it,
as a list of calls the committee schedules through the hub's delay and executes in order:

1. the hub closes the old version (`setTargetClosed(old, true)`): every restricted function of it,
   `unpause` included, is refused to everyone from then on, so a guardian's pause of its public
   functions can never be lifted;
2. Payments stops accepting the old version as a payment source (its instructions in flight are
   still settled or failed by the treasury);
3. the hub maps each restricted function of the new version to the role `roles.py` names for it;
4. Payments accepts the new version as a payment source.

A version with state-changing functions open to any caller (`roles.PUBLIC_FUNCTIONS`) must be paused
by a guardian before the act executes: `setTargetClosed` only closes restricted functions.

Only contracts whose address no other contract holds can be replaced this way (the escrow and the
welfare programmes); the rest are read by address in other contracts' constructors.

Pure Python over eth-abi and eth-utils, so both environments (brownie and the gateway) import it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import encode
from eth_utils import function_abi_to_4byte_selector, to_checksum_address

from app.protocol.roles import PERMISSIONS, PUBLIC_FUNCTIONS, role_id

# Contracts no other contract's constructor takes: a successor can take their place.
REPLACEABLE: tuple[str, ...] = ("MilestoneEscrow", "WelfarePrograms")
# Contracts the committee registers as payment sources (scripts/deploy.py PAYMENT_SOURCES).
PAYMENT_SOURCES: tuple[str, ...] = ("MilestoneEscrow", "WelfarePrograms")


class UpgradeError(Exception):
    """A replacement that cannot be built; the message says why in one line."""


@dataclass(frozen=True)
class Call:
    """One call of the committee act: `contract` names the target's kind ("AccessHub", "Payments"),
    `function` and `args` say what is called (for people and for brownie's fixtures), `data` is
    the calldata the committee schedules."""

    target: str
    contract: str
    function: str
    args: tuple[Any, ...]
    data: str
    purpose: str

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "contract": self.contract,
            "function": self.function,
            "args": [_jsonable(a) for a in self.args],
            "data": self.data,
            "purpose": self.purpose,
        }


@dataclass(frozen=True)
class UpgradePlan:
    name: str
    old: str
    new: str
    calls: tuple[Call, ...]
    requires_pause: bool  # the old version has public functions: a guardian pauses it first

    def as_json(self) -> dict[str, Any]:
        return {
            "contract": self.name,
            "from": self.old,
            "to": self.new,
            "requiresGuardianPause": self.requires_pause,
            "calls": [c.as_json() for c in self.calls],
        }


_SIGNATURES = {
    "setTargetClosed": ("address", "bool"),
    "setTargetFunctionRole": ("address", "bytes4[]", "uint64"),
    "registerSource": ("address",),
    "revokeSource": ("address",),
}


def _calldata(function: str, args: Sequence[Any]) -> str:
    types = _SIGNATURES[function]
    selector = function_abi_to_4byte_selector(
        {"type": "function", "name": function, "inputs": [{"type": t} for t in types]}
    )
    return "0x" + (selector + encode(list(types), list(args))).hex()


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def selectors(abi: Sequence[Mapping[str, Any]]) -> dict[str, bytes]:
    """Function name -> 4-byte selector, from a contract's ABI (overloads are refused: the
    permission table names functions, not signatures)."""
    found: dict[str, bytes] = {}
    for entry in abi:
        if entry.get("type") != "function":
            continue
        if entry["name"] in found:
            raise UpgradeError(f"function {entry['name']} is overloaded; roles.py cannot name it")
        found[entry["name"]] = function_abi_to_4byte_selector(dict(entry))
    return found


def upgrade_plan(
    name: str, *, hub: str, payments: str, old: str, new: str, new_abi: Sequence[Mapping[str, Any]]
) -> UpgradePlan:
    """The committee act that replaces contract `name` at `old` by the version at `new`."""
    if name not in REPLACEABLE:
        raise UpgradeError(
            f"{name} cannot be replaced by a successor: other contracts hold its address "
            f"(replaceable: {', '.join(REPLACEABLE)})"
        )
    old, new, hub, payments = (to_checksum_address(a) for a in (old, new, hub, payments))
    if old == new:
        raise UpgradeError(f"the new {name} is the old one ({old})")
    by_name = selectors(new_abi)
    missing = sorted(f for f in PERMISSIONS[name] if f not in by_name)
    if missing:
        raise UpgradeError(
            f"the new {name} lacks restricted functions roles.py lists: {', '.join(missing)}; "
            "update app/protocol/roles.py with the new version"
        )
    calls = [
        Call(
            hub,
            "AccessHub",
            "setTargetClosed",
            (old, True),
            _calldata("setTargetClosed", (old, True)),
            f"freeze the old {name}",
        )
    ]
    if name in PAYMENT_SOURCES:
        calls.append(
            Call(
                payments,
                "Payments",
                "revokeSource",
                (old,),
                _calldata("revokeSource", (old,)),
                f"no new payments from the old {name}",
            )
        )
    by_role: dict[str, list[bytes]] = {}
    for function, role in PERMISSIONS[name].items():
        by_role.setdefault(role, []).append(by_name[function])
    for role, chosen in sorted(by_role.items()):
        args = (new, chosen, role_id(role))
        calls.append(
            Call(
                hub,
                "AccessHub",
                "setTargetFunctionRole",
                args,
                _calldata("setTargetFunctionRole", args),
                f"{role} may call {len(chosen)} function(s) of the new {name}",
            )
        )
    if name in PAYMENT_SOURCES:
        calls.append(
            Call(
                payments,
                "Payments",
                "registerSource",
                (new,),
                _calldata("registerSource", (new,)),
                f"accept payments from the new {name}",
            )
        )
    return UpgradePlan(
        name=name, old=old, new=new, calls=tuple(calls), requires_pause=bool(PUBLIC_FUNCTIONS.get(name))
    )
