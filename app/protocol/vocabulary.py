"""The contracts' vocabulary: every enum (members in declaration order) and struct (fields in
declaration order, with their Solidity types) of the project's own Solidity sources (contracts/
and interfaces/; test harnesses left out), exactly as the compiler saw them. The one source of the
names the gateway, the tools and the tests give to the contracts' states.

The data is vocabulary.json beside this module, generated from the compiled artifacts' ASTs by
`python -m toolchain.vocabulary` (run by `make compile`) and committed, because a production gateway
has the deployment manifest but no build/. tests/toolchain/test_vocabulary.py regenerates it and
fails on any difference, and fails on a hand-typed copy of an enum anywhere in the Python code.

Codes and words. A member's code is its position (Solidity's uint8 value). A member's word, the
name the API, the explorer and OCDS's mappings use, is its Solidity name in snake_case
(AwardProposed -> "award_proposed"): `Enum.words`. Only the stdlib is used, so both Python
environments and a gateway without build/ can load it.

    STATUS = vocabulary.enum("ITenders.TenderStatus")
    STATUS.word(2) == "award_proposed"; STATUS.code("AwardProposed") == STATUS.code("award_proposed") == 2
    vocabulary.struct("IPayments.Instruction").abi_type == "(address,uint8,uint8,uint8,uint72,bytes32)"
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("vocabulary.json")

_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_ARRAY_SUFFIX = re.compile(r"((?:\[\d*\])*)$")


def word(member: str) -> str:
    """A Solidity member name as the API says it: AwardProposed -> award_proposed."""
    return _WORD_BREAK.sub("_", member).lower()


@dataclass(frozen=True)
class Enum:
    """A Solidity enum: `name` as canonically named by the compiler ("ITenders.TenderStatus")."""

    name: str
    members: tuple[str, ...]  # Solidity names, in declaration order: the code is the position

    @functools.cached_property
    def words(self) -> tuple[str, ...]:
        """The members' words (snake_case), in declaration order."""
        return tuple(word(m) for m in self.members)

    @functools.cached_property
    def _codes(self) -> dict[str, int]:
        codes = {m: i for i, m in enumerate(self.members)}
        codes.update({w: i for i, w in enumerate(self.words)})
        return codes

    def word(self, member: int | str) -> str:
        """The word of a code read from the chain, or of a member named in code (by its Solidity
        name, so a misspelt one fails at import: `word("AwardProposed")`). ValueError for a code,
        KeyError for a name, that the enum does not have."""
        if isinstance(member, str):
            return self.words[self.code(member)]
        if not 0 <= member < len(self.members):
            raise ValueError(f"{self.name} has no member {member}")
        return self.words[member]

    def code(self, name: str) -> int:
        """The code of a member, by Solidity name or by word; KeyError for a name it does not have."""
        try:
            return self._codes[name]
        except KeyError:
            raise KeyError(
                f"{self.name} has no member {name!r} (members: {', '.join(self.members)})"
            ) from None

    def codes(self, *names: str) -> tuple[int, ...]:
        """The codes of several members, in the order asked (`OPEN, AWARDED = e.codes("Open", "Awarded")`)."""
        return tuple(self.code(n) for n in names)

    def __len__(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # as the compiler writes it: "uint40", "enum ITenders.TenderStatus", "address[]"


@dataclass(frozen=True)
class Struct:
    """A Solidity struct: `name` as canonically named by the compiler ("IPayments.Instruction")."""

    name: str
    fields: tuple[Field, ...]  # in declaration order: the order of the ABI tuple

    @functools.cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @functools.cached_property
    def abi_type(self) -> str:
        """The ABI tuple type, for eth-abi: "(address,uint8,...)"."""
        return "(" + ",".join(abi_type(f.type) for f in self.fields) + ")"

    def index(self, field: str) -> int:
        """The position of a field in the tuple."""
        try:
            return self.names.index(field)
        except ValueError:
            raise KeyError(f"{self.name} has no field {field!r}") from None

    def named(self, values: Sequence[Any]) -> dict[str, Any]:
        """A decoded tuple of this struct as {field name: value}."""
        return dict(zip(self.names, values, strict=True))


def abi_type(solidity_type: str) -> str:
    """The ABI type of a struct field's Solidity type: enums are uint8, structs tuples, contracts
    addresses; arrays keep their brackets."""
    suffix = _ARRAY_SUFFIX.search(solidity_type).group(1)
    base = solidity_type[: len(solidity_type) - len(suffix)].strip()
    if base.startswith("enum "):
        base = "uint8"  # an enum of at most 256 members is a uint8 in the ABI
    elif base.startswith("struct "):
        base = struct(base.removeprefix("struct ")).abi_type
    elif base.startswith("contract ") or base == "address payable":
        base = "address"
    elif not re.fullmatch(r"u?int\d*|bytes\d*|address|bool|string", base):
        raise ValueError(f"no ABI type for {solidity_type!r}")
    return base + suffix


@functools.cache
def _data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@functools.cache
def enum(name: str) -> Enum:
    """The enum called `name` ("ITenders.TenderStatus"); KeyError when the contracts have none."""
    try:
        return Enum(name, tuple(_data()["enums"][name]))
    except KeyError:
        raise KeyError(f"no enum {name!r} in {DATA_FILE.name}") from None


@functools.cache
def struct(name: str) -> Struct:
    """The struct called `name` ("IPayments.Instruction"); KeyError when the contracts have none."""
    try:
        return Struct(name, tuple(Field(n, t) for n, t in _data()["structs"][name]))
    except KeyError:
        raise KeyError(f"no struct {name!r} in {DATA_FILE.name}") from None


def enums() -> dict[str, Enum]:
    """Every enum, by name."""
    return {name: enum(name) for name in _data()["enums"]}


def structs() -> dict[str, Struct]:
    """Every struct, by name."""
    return {name: struct(name) for name in _data()["structs"]}
