"""Besu's local permissioning file (permissions_config.toml): the nodes that may connect (every
member's enode, bootnodes included) and the accounts that may send transactions."""

from __future__ import annotations

from collections.abc import Sequence

from toolchain.consortium.toml import toml_value

HEADER = (
    "# Besu local permissioning (permissions-nodes-config-file and permissions-accounts-config-file).\n"
    "# Written by `python -m toolchain.consortium permissions`; the same file on every node.\n"
)


def render_permissions(nodes: Sequence[str], accounts: Sequence[str]) -> str:
    return (
        HEADER
        + f"nodes-allowlist={toml_value(list(nodes))}\n"
        + f"accounts-allowlist={toml_value(list(accounts))}\n"
    )
