"""Reads a deployment config (deploy/*.yaml): agencies, officers, initial role grants, delays.

Accounts are written as 0x addresses, or as `dev:N` for the N-th unlocked account of a local
chain (anvil and ganache both offer them), so the local config needs no keys at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.protocol import policy as policy_rules
from app.protocol.roles import CONTRACT_ROLES, ROLES

ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


class DeployConfigError(Exception):
    """The config file is wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class Agency:
    id: int
    name: str


@dataclass(frozen=True)
class Officer:
    account: str
    agency: int


@dataclass(frozen=True)
class Grant:
    role: str
    account: str
    execution_delay: int


@dataclass(frozen=True)
class CommitteeMember:
    agency: int
    officials: tuple[str, ...]
    guardian: bool = False


@dataclass
class DeployConfig:
    source: Path
    agencies: list[Agency] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    admins: list[Grant] = field(default_factory=list)
    grant_delays: dict[str, int] = field(default_factory=dict)
    execution_delays: dict[str, int] = field(default_factory=dict)
    committee_members: list[CommitteeMember] = field(default_factory=list)
    committee_threshold: int = 0
    renounce_deployer_admin: bool = False
    # Version 1 of the money rules (PolicyRegistry): the defaults with the `policy:` block applied,
    # and the text of the document it implements (its keccak256 is the version's sourceHash).
    policy: dict[str, int] = field(default_factory=lambda: dict(policy_rules.DEFAULTS))
    policy_source: str = policy_rules.DEFAULT_SOURCE

    @property
    def guardian_agencies(self) -> set[int]:
        """Guardian agencies of the committee with at least one seated official."""
        return {m.agency for m in self.committee_members if m.guardian and m.officials}


# Rules a deployment to a non-development chain must meet (docs/decisions/0018); each broken rule
# is named, and the deployment refuses unless the operator passes --unsafe-live-deployment.
MIN_LIVE_ADMIN_DELAY = 7 * 24 * 3600
DEVELOPMENT_CHAIN_IDS = frozenset({31337, 1337})


def live_safety_violations(config: DeployConfig) -> list[str]:
    """The rules of a safe live deployment that `config` breaks (empty when it is safe)."""
    violations = []
    if not config.renounce_deployer_admin:
        violations.append("the deployer keeps ADMIN (set renounce_deployer_admin: true)")
    if config.admins:
        violations.append("ADMIN is granted to accounts other than the Committee (remove grants.ADMIN)")
    admin_delay = config.execution_delays.get("ADMIN", 0)
    if admin_delay < MIN_LIVE_ADMIN_DELAY:
        violations.append(
            f"ADMIN's execution delay is {admin_delay} s, under 7 days ({MIN_LIVE_ADMIN_DELAY} s)"
        )
    if config.execution_delays.get("COMMITTEE", 0) == 0:
        violations.append("COMMITTEE's execution delay is zero (guardians could not veto in time)")
    guardians = len(config.guardian_agencies)
    if guardians < 2:
        violations.append(f"{guardians} guardian agencies with officials on the committee (at least 2)")
    if config.committee_threshold < 2:
        violations.append(f"the committee's threshold is {config.committee_threshold} (at least 2 agencies)")
    return violations


def _account(value: Any, where: str, local_accounts: list[str]) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**160:
        # YAML reads an unquoted 0x... address as a hexadecimal integer; take it back.
        return f"0x{value:040x}"
    text = str(value)
    if text.startswith("dev:"):
        try:
            index = int(text[4:])
        except ValueError:
            raise DeployConfigError(f"{where}: {text!r} is not dev:<number>") from None
        if index >= len(local_accounts):
            raise DeployConfigError(
                f"{where}: {text} needs a local chain with at least {index + 1} unlocked accounts "
                f"(this one has {len(local_accounts)}); use 0x addresses on live networks"
            )
        return local_accounts[index]
    if not ADDRESS.match(text):
        raise DeployConfigError(f"{where}: {text!r} is neither a 0x address nor dev:<n>")
    return text


def _seconds(value: Any, where: str) -> int:
    if not isinstance(value, int) or value < 0 or value >= 2**32:
        raise DeployConfigError(f"{where}: a delay is a whole number of seconds (0 to 4294967295)")
    return value


def _read_policy(config: DeployConfig, block: Any, path: Path) -> None:
    if block is None:
        return
    if not isinstance(block, dict):
        raise DeployConfigError(f"{path}: policy must be a mapping of field: value (and source: text)")
    block = dict(block)
    source = block.pop("source", policy_rules.DEFAULT_SOURCE)
    if not isinstance(source, str) or not source.strip():
        raise DeployConfigError(f"{path}: policy.source names the document version 1 implements")
    try:
        config.policy = policy_rules.merged(block)
    except policy_rules.PolicyConfigError as exc:
        raise DeployConfigError(f"{path}: {exc}") from None
    config.policy_source = source


def load_deploy_config(path: str | Path, local_accounts: list[str]) -> DeployConfig:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise DeployConfigError(f"deploy config {path} does not exist") from None
    except yaml.YAMLError as exc:
        raise DeployConfigError(f"deploy config {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DeployConfigError(f"deploy config {path} must be a mapping")
    config = DeployConfig(
        source=path, renounce_deployer_admin=bool(data.get("renounce_deployer_admin", False))
    )
    _read_policy(config, data.get("policy"), path)
    delays = data.get("execution_delays", {}) or {}
    for name in delays:
        if name not in ROLES:
            raise DeployConfigError(f"{path}: execution_delays names unknown role {name!r}")
        config.execution_delays[name] = _seconds(delays[name], f"{path}: execution_delays.{name}")
    for name, value in (data.get("grant_delays", {}) or {}).items():
        if name not in ROLES:
            raise DeployConfigError(f"{path}: grant_delays names unknown role {name!r}")
        config.grant_delays[name] = _seconds(value, f"{path}: grant_delays.{name}")

    for i, entry in enumerate(data.get("agencies", []) or []):
        where = f"{path}: agencies[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), int) or not entry.get("name"):
            raise DeployConfigError(f"{where}: needs a numeric id and a name")
        if not 0 < entry["id"] < 2**32:
            raise DeployConfigError(f"{where}: agency id must be between 1 and 4294967295")
        config.agencies.append(Agency(entry["id"], str(entry["name"])))
    known_agencies = {a.id for a in config.agencies}

    for role, members in (data.get("grants", {}) or {}).items():
        if role not in ROLES:
            raise DeployConfigError(f"{path}: grants names unknown role {role!r}; known: {', '.join(ROLES)}")
        if role == "COMMITTEE" and members:
            raise DeployConfigError(
                f"{path}: grants.COMMITTEE: only the Committee contract holds COMMITTEE; "
                "seat the members' officials under committee.members instead"
            )
        if role in CONTRACT_ROLES and members:
            raise DeployConfigError(
                f"{path}: grants.{role}: only the {CONTRACT_ROLES[role]} contract holds {role} "
                "(granted by the deployment itself)"
            )
        delay = _seconds(delays.get(role, 0), f"{path}: execution_delays.{role}")
        for i, member in enumerate(members or []):
            where = f"{path}: grants.{role}[{i}]"
            entry = member if isinstance(member, dict) else {"account": member}
            account = _account(entry.get("account"), where, local_accounts)
            grant = Grant(role, account, delay)
            (config.admins if role == "ADMIN" else config.grants).append(grant)
            if "agency" in entry:
                if entry["agency"] not in known_agencies:
                    raise DeployConfigError(f"{where}: agency {entry['agency']} is not in agencies")
                # One official, one agency: an account granted several roles is assigned once.
                assigned = {o.account: o.agency for o in config.officers}
                if assigned.get(account, entry["agency"]) != entry["agency"]:
                    raise DeployConfigError(
                        f"{where}: {account} is already an official of agency {assigned[account]}"
                    )
                if account not in assigned:
                    config.officers.append(Officer(account, entry["agency"]))
            elif role == "AGENCY_OFFICER":
                raise DeployConfigError(f"{where}: an agency officer needs `agency: <id>`")
    _load_committee(config, data.get("committee"), path, known_agencies, local_accounts)
    return config


def _load_committee(
    config: DeployConfig, data: Any, path: Path, known_agencies: set[int], local_accounts: list[str]
) -> None:
    if data is None:
        return
    if not isinstance(data, dict):
        raise DeployConfigError(f"{path}: committee must be a mapping with threshold and members")
    seated: set[str] = set()
    for i, entry in enumerate(data.get("members", []) or []):
        where = f"{path}: committee.members[{i}]"
        if not isinstance(entry, dict) or entry.get("agency") not in known_agencies:
            raise DeployConfigError(f"{where}: needs `agency: <id>` of an agency listed in agencies")
        if entry["agency"] in {m.agency for m in config.committee_members}:
            raise DeployConfigError(f"{where}: agency {entry['agency']} is listed twice")
        officials = []
        for j, value in enumerate(entry.get("officials", []) or []):
            account = _account(value, f"{where}.officials[{j}]", local_accounts)
            if account.lower() in seated:
                raise DeployConfigError(f"{where}.officials[{j}]: {account} already sits on the committee")
            seated.add(account.lower())
            officials.append(account)
        config.committee_members.append(
            CommitteeMember(entry["agency"], tuple(officials), bool(entry.get("guardian", False)))
        )
    threshold = data.get("threshold")
    members = len(config.committee_members)
    if not isinstance(threshold, int) or isinstance(threshold, bool) or not 1 <= threshold <= members:
        raise DeployConfigError(
            f"{path}: committee.threshold must be a whole number from 1 to the {members} member agencies"
        )
    config.committee_threshold = threshold
