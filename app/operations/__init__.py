"""The consortium's command centre: nodes, indexer, payment bridge, pending transactions, pauses,
scheduled committee acts and firing alerts, for the operators
(docs/decisions/0040-node-failover-and-command-centre.md)."""
