"""An onboarding plan: the agencies one rollout phase brings in, with their officials, read from YAML
and checked offline (no chain, no gateway), each mistake reported in one line.

    phase: "1-ikn"
    agencies:
      - id: 1101
        name: "Otorita Ibu Kota Nusantara - Deputi Sarana dan Prasarana"
        kind: ikn                 # ministry | agency | ikn | province | regency
        region: "64"              # province "35", regency "35.07" (BPS/Kemendagri codes)
        parent: 3500              # a regency's province agency (in this plan, or already onboarded)
        officials:
          - address: "0x..."
            roles: [AGENCY_OFFICER]
          - address: "0x..."
            roles: [ENROLLER]
            scopes: [{programme: 1, regions: ["35.07"]}]

Officials are named only by their account: no person's name, NIK or contact goes into a plan, so
none reaches the chain. The plan's SHA-256 (of the file's exact bytes) is the description hash of
the committee proposal that carries it, so anyone holding the file can tie the on-chain acts to it.

Pure checks only (shape, roles, region codes and their parents, duplicates); what the chain must
confirm (agency id taken, official already in another agency) is checked when proposing
(app/onboarding/acts.py)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import yaml
from eth_utils import is_hex_address, to_checksum_address
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.protocol.roles import ROLES

# The roles an agency's official may receive through a plan: those the committee administers in the
# hub, except the payment bridge's service role (a machine's key, not a person's).
ONBOARDABLE_ROLES = tuple(
    name for name, role in ROLES.items() if role.admin == "COMMITTEE" and name != "TREASURY"
)
KINDS = ("ministry", "agency", "ikn", "province", "regency")
PROVINCE = re.compile(r"^[1-9][0-9]$")
REGENCY = re.compile(r"^([1-9][0-9])\.([0-9]{2})$")
MAX_AGENCIES = 16
MAX_OFFICIALS = 32
MAX_SCOPE_REGIONS = 2048  # every official's regions of every programme, in one plan
# Duties one official may not hold together: who sets enrollers' regions does not enrol, and an
# auditor audits and does nothing else.
SEPARATED = (({"WELFARE_ADMIN", "ENROLLER"}, "WELFARE_ADMIN and ENROLLER"),)
ALONE = ("AUDITOR",)
# In a comment, what looks like a person's data (a NIK or a phone number: 8 digits or more in a row, an
# e-mail address): the plan is published as written and its hash is fixed on chain.
PERSONAL = re.compile(r"\d{8,}|@")


class PlanError(ValueError):
    """A plan that cannot be proposed; the message is one line and names the place."""

    def __init__(self, message: str, code: str = "plan_invalid") -> None:
        super().__init__(message)
        self.code = code


def region_number(code: str) -> int:
    """A region code as the chain holds it: "35.07" -> 3507, "35" -> 35."""
    return int(code.replace(".", ""))


def province_of(code: str) -> str:
    return code.split(".", 1)[0]


class Scope(BaseModel):
    """Regions of one welfare programme an enroller will act in (set by the programme's welfare admin)."""

    model_config = ConfigDict(extra="forbid")

    programme: int = Field(ge=1, lt=2**32)
    regions: list[str] = Field(min_length=1, max_length=64)

    @field_validator("regions")
    @classmethod
    def _regencies(cls, regions: list[str]) -> list[str]:
        for code in regions:
            if not REGENCY.match(code):
                raise ValueError(f"{code!r} is not a regency code like '35.07'")
        if len(set(regions)) != len(regions):
            raise ValueError("a region is listed twice")
        return regions


class Official(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str
    roles: list[str] = Field(min_length=1, max_length=len(ONBOARDABLE_ROLES))
    scopes: list[Scope] = Field(default_factory=list, max_length=16)

    @field_validator("address")
    @classmethod
    def _address(cls, address: str) -> str:
        if not is_hex_address(address) or int(address, 16) == 0:
            raise ValueError(f"{address!r} is not an account address (0x and 40 hex digits, not zero)")
        return to_checksum_address(address)

    @field_validator("roles")
    @classmethod
    def _roles(cls, roles: list[str]) -> list[str]:
        for role in roles:
            if role not in ONBOARDABLE_ROLES:
                raise ValueError(
                    f"unknown role {role!r}; an official may get: {', '.join(ONBOARDABLE_ROLES)}"
                )
        if len(set(roles)) != len(roles):
            raise ValueError("a role is listed twice")
        return roles


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int = Field(ge=1, lt=2**32)
    name: str = Field(min_length=3, max_length=200)
    kind: Literal["ministry", "agency", "ikn", "province", "regency"]
    region: str | None = None
    parent: int | None = Field(None, ge=1, lt=2**32)
    officials: list[Official] = Field(min_length=1, max_length=MAX_OFFICIALS)


class PlanDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phase: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    agencies: list[Agency] = Field(min_length=1, max_length=MAX_AGENCIES)


@dataclass(frozen=True)
class Plan:
    document: PlanDocument
    text: str
    sha256: str  # hex, no 0x

    @property
    def description_hash(self) -> str:
        """The committee proposal's description hash: the plan's SHA-256."""
        return "0x" + self.sha256

    @property
    def agencies(self) -> list[Agency]:
        return self.document.agencies


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _place(loc: tuple, data: object) -> str:
    """`agencies[1].officials[0].roles` for pydantic's location, with the agency's id when known."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    if len(loc) >= 2 and loc[0] == "agencies" and isinstance(loc[1], int) and isinstance(data, dict):
        agencies = data.get("agencies")
        if isinstance(agencies, list) and loc[1] < len(agencies) and isinstance(agencies[loc[1]], dict):
            agency_id = agencies[loc[1]].get("id")
            if agency_id is not None:
                out += f" (agency {agency_id})"
    return out


def _plain_text(text: str) -> None:
    """What a published plan may not carry: invisible or direction-changing characters (an agency
    name made to look like another's), and a person's data in a comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        if any(unicodedata.category(c) in ("Cc", "Cf") for c in line if c != "\t"):
            raise PlanError(f"line {number} has an invisible or control character")
        comment = line.split(" #", 1)[1] if " #" in line else (line if line.lstrip().startswith("#") else "")
        if PERSONAL.search(comment):
            raise PlanError(
                f"line {number}: a comment with a long number or an e-mail address (no personal data: "
                "the plan is published)"
            )


def _visible(data: object) -> None:
    """No string of the plan, once read (escapes such as "\\u202e" included), carries an invisible or
    direction-changing character."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
        elif isinstance(item, str) and any(unicodedata.category(c) in ("Cc", "Cf") for c in item):
            raise PlanError(
                f"the text {item.encode('ascii', 'backslashreplace').decode()!r} has an invisible or "
                "control character"
            )


def parse(text: str) -> Plan:
    """The plan in `text`, checked offline; PlanError (one line) for the first mistake found."""
    _plain_text(text)
    try:
        # No anchors or aliases: a few kilobytes of aliases expand to millions of entries.
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise PlanError("the plan uses YAML aliases (*name); write each entry out")
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise PlanError(f"the plan is not valid YAML{where}") from None
    except RecursionError:
        raise PlanError("the plan is nested too deeply") from None
    if not isinstance(data, dict):
        raise PlanError("the plan must be a mapping with 'phase' and 'agencies'")
    _visible(data)
    try:
        document = PlanDocument.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        raise PlanError(f"{_place(error['loc'], data)}: {message}") from None
    check(document)
    return Plan(document, text, sha256_of(text))


def check(document: PlanDocument, known_regions: dict[int, tuple[str, str]] | None = None) -> None:
    """The checks across entries: unique agencies and officials, each agency's region fitting its
    kind and its parent province, and enrollers' regions within their agency's region.
    `known_regions`: agency id -> (kind, region) of agencies onboarded earlier (for a regency whose
    province agency came in an earlier phase); None offline."""
    seen_agencies: set[int] = set()
    seen_officials: dict[str, int] = {}
    entries = sum(len(s.regions) for a in document.agencies for o in a.officials for s in o.scopes)
    if entries > MAX_SCOPE_REGIONS:
        raise PlanError(f"the plan lists {entries} enroller regions; at most {MAX_SCOPE_REGIONS} in one plan")
    planned = {a.id: (a.kind, a.region) for a in document.agencies}
    for agency in document.agencies:
        where = f"agency {agency.id}"
        if agency.id in seen_agencies:
            raise PlanError(f"{where} is listed twice", "plan_invalid")
        seen_agencies.add(agency.id)
        _check_region(agency, where, {**(known_regions or {}), **planned}, known_regions is not None)
        for official in agency.officials:
            if official.address in seen_officials:
                first = seen_officials[official.address]
                raise PlanError(
                    f"official {official.address} is listed twice (agency {first} and agency {agency.id})"
                )
            seen_officials[official.address] = agency.id
            held = set(official.roles)
            for duties, named in SEPARATED:
                if duties <= held:
                    raise PlanError(f"{where}: official {official.address} may not hold both {named}")
            for role in ALONE:
                if role in held and len(held) > 1:
                    raise PlanError(
                        f"{where}: official {official.address}: {role} is held with no other role"
                    )
            if official.scopes and "ENROLLER" not in official.roles:
                raise PlanError(f"{where}: official {official.address} has scopes but not the ENROLLER role")
            programmes = [s.programme for s in official.scopes]
            if len(set(programmes)) != len(programmes):
                raise PlanError(f"{where}: official {official.address} lists a programme twice")
            for scope in official.scopes:
                for code in scope.regions:
                    _within(agency, code, f"{where}: official {official.address}")


def _check_region(agency: Agency, where: str, regions: dict, online: bool) -> None:
    region = agency.region
    if agency.kind == "province":
        if region is None or not PROVINCE.match(region):
            raise PlanError(f"{where}: a province needs its 2-digit province code as region, e.g. '35'")
    elif agency.kind == "regency":
        if region is None or not REGENCY.match(region):
            raise PlanError(f"{where}: a regency needs its regency code as region, e.g. '35.07'")
        if agency.parent is None:
            raise PlanError(f"{where}: a regency names its province agency as parent")
        parent = regions.get(agency.parent)
        if parent is None:
            if not online:
                return  # the parent came in an earlier phase: checked against the gateway when proposing
            raise PlanError(f"{where}: parent agency {agency.parent} is not onboarded as a province")
        kind, parent_region = parent
        if kind != "province" or parent_region is None:
            raise PlanError(f"{where}: parent agency {agency.parent} is not a province")
        if province_of(region) != parent_region:
            raise PlanError(
                f"{where}: region {region} is outside the parent province {parent_region} "
                f"(agency {agency.parent})"
            )
        return
    elif region is not None and not (PROVINCE.match(region) or REGENCY.match(region)):
        raise PlanError(
            f"{where}: region {region!r} is neither a province ('35') nor a regency ('35.07') code"
        )
    if agency.parent is not None:
        raise PlanError(f"{where}: only a regency names a parent agency")


def _within(agency: Agency, code: str, where: str) -> None:
    """An enroller of a province or regency acts only within it; central agencies anywhere."""
    if agency.kind == "province" and province_of(code) != agency.region:
        raise PlanError(f"{where}: region {code} is outside the agency's province {agency.region}")
    if agency.kind == "regency" and code != agency.region:
        raise PlanError(f"{where}: region {code} is outside the agency's regency {agency.region}")
