"""The chain nodes the gateway talks to, as Prometheus metrics, from the node pool's `states()`
(app.state.nodes). Read by attribute: this layer imports nothing of the pool, and an attribute a
state does not carry (or carries as None) is left out rather than guessed."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

# metric name -> (help, attribute, kind)
NODE_METRICS = {
    "terang_node_up": ("1 when the node answers with the expected chain id", "up", "gauge"),
    "terang_node_healthy": ("1 when the node is fit to take calls (up, in step, peered)", "healthy", "gauge"),
    "terang_node_head_block": ("The node's latest block", "head", "gauge"),
    "terang_node_head_timestamp_seconds": ("Timestamp of the node's latest block", "head_timestamp", "gauge"),
    "terang_node_lag_blocks": ("Blocks the node is behind the best node", "lag_blocks", "gauge"),
    "terang_node_peers": ("The node's peer count", "peers", "gauge"),
    "terang_node_failovers": ("Times calls left this node for another", "failovers", "counter"),
    "terang_node_checked_timestamp_seconds": ("When the node was last checked", "checked_at", "gauge"),
}


class NodeCollector(Collector):
    def __init__(self, pool) -> None:
        self.pool = pool

    def collect(self) -> Iterator[Metric]:
        states = list(self.pool.states())
        for name, (doc, attribute, kind) in NODE_METRICS.items():
            family = (CounterMetricFamily if kind == "counter" else GaugeMetricFamily)(
                name, doc, labels=("node",)
            )
            for state in states:
                value = getattr(state, attribute, None)
                if value is not None:
                    family.add_metric((str(getattr(state, "name", "?")),), float(value))
            yield family
