"""One node's Besu config.toml: the shared genesis and permissions file, its own key, JSON-RPC on an
internal interface only (never every interface without a host allowlist), metrics, p2p to the
other members' nodes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from toolchain.consortium.inputs import KitError, ip_host
from toolchain.consortium.toml import toml_value

# What the gateway, indexer and bridge call (eth_*, net_version, web3_clientVersion); QBFT's
# read methods (qbft_getValidatorsByBlockNumber, ...) on validators, for the operators' view.
GATEWAY_APIS = ("ETH", "NET", "WEB3")
VALIDATOR_APIS = (*GATEWAY_APIS, "QBFT")
ANY_INTERFACE = {"0.0.0.0", "::"}  # noqa: S104 (what is refused, never bound)


@dataclass(frozen=True)
class NodeConfig:
    name: str
    p2p_host: str  # the address the other members reach this node at (its enode's)
    rpc_host: str  # the internal interface the gateways reach JSON-RPC at
    host_allowlist: Sequence[str]  # Host header values JSON-RPC answers (the gateways' names)
    bootnodes: Sequence[str] = ()
    validator: bool = True
    p2p_port: int = 30303
    rpc_port: int = 8545
    metrics_port: int = 9545
    config_dir: str = "/etc/besu"
    data_path: str = "/var/lib/besu"


def check_node_config(config: NodeConfig) -> None:
    ip_host(config.p2p_host, "--p2p-host")
    ip_host(config.rpc_host, "--rpc-host")
    if not config.host_allowlist:
        raise KitError("--host-allowlist: name the hosts the gateways call JSON-RPC by")
    if any(host.strip() in ("*", "") for host in config.host_allowlist):
        raise KitError("--host-allowlist: '*' would answer any Host header; name the gateways' hosts")
    if config.rpc_host.strip("[]") in ANY_INTERFACE:
        raise KitError(
            "--rpc-host: JSON-RPC on every interface is refused; give the internal interface's address"
        )
    for number in (config.p2p_port, config.rpc_port, config.metrics_port):
        if not 1 <= number <= 65535:
            raise KitError(f"port {number} is not a TCP port (1-65535)")


def render_node_config(config: NodeConfig) -> str:
    check_node_config(config)
    etc = config.config_dir.rstrip("/")
    settings: list[tuple[str, object, str]] = [
        ("identity", config.name, "shown to peers and in logs"),
        ("data-path", config.data_path, "the chain's database: a volume, backed up"),
        ("genesis-file", f"{etc}/genesis.json", "the same file on every node"),
        ("node-private-key-file", f"{etc}/key", "this agency's key (0600), made on this host"),
        ("min-gas-price", 0, "a free-gas network (genesis zeroBaseFee)"),
        ("sync-mode", "FULL", ""),
        ("p2p-enabled", True, ""),
        ("p2p-host", config.p2p_host, "the address in this node's enode URL"),
        ("p2p-port", config.p2p_port, ""),
        ("bootnodes", list(config.bootnodes), "the other members' enodes (also in the allowlist)"),
        ("rpc-http-enabled", True, ""),
        ("rpc-http-host", config.rpc_host, "the internal interface only"),
        ("rpc-http-port", config.rpc_port, ""),
        ("rpc-http-api", list(VALIDATOR_APIS if config.validator else GATEWAY_APIS), ""),
        ("host-allowlist", list(config.host_allowlist), "Host headers JSON-RPC answers"),
        ("rpc-ws-enabled", False, ""),
        ("graphql-http-enabled", False, ""),
        ("permissions-nodes-config-file-enabled", True, ""),
        ("permissions-nodes-config-file", f"{etc}/permissions_config.toml", ""),
        ("permissions-accounts-config-file-enabled", True, ""),
        ("permissions-accounts-config-file", f"{etc}/permissions_config.toml", ""),
        ("metrics-enabled", True, "Prometheus scrapes it"),
        ("metrics-host", config.rpc_host, "internal, as JSON-RPC"),
        ("metrics-port", config.metrics_port, ""),
    ]
    lines = [
        f"# Besu node {config.name!r}: written by `python -m toolchain.consortium node-config`.",
        "# Start it with: besu --config-file=" + f"{etc}/config.toml",
    ]
    for key, value, note in settings:
        line = f"{key}={toml_value(value)}"
        lines.append(f"{line}  # {note}" if note else line)
    return "\n".join(lines) + "\n"
