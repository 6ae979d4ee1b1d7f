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
from app.protocol.roles import ROLES

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


@dataclass
class DeployConfig:
    source: Path
    agencies: list[Agency] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    admins: list[Grant] = field(default_factory=list)
    grant_delays: dict[str, int] = field(default_factory=dict)
    renounce_deployer_admin: bool = False
    # Version 1 of the money rules (PolicyRegistry): the defaults with the `policy:` block applied,
    # and the text of the document it implements (its keccak256 is the version's sourceHash).
    policy: dict[str, int] = field(default_factory=lambda: dict(policy_rules.DEFAULTS))
    policy_source: str = policy_rules.DEFAULT_SOURCE


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
                config.officers.append(Officer(account, entry["agency"]))
            elif role == "AGENCY_OFFICER":
                raise DeployConfigError(f"{where}: an agency officer needs `agency: <id>`")
    return config
