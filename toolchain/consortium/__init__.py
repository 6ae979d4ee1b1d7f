"""The consortium network kit: a permissioned Hyperledger Besu QBFT network of the member agencies
(LKPP, Kemenkeu, BPK, KPK), one validator each. `python -m toolchain.consortium --help`.

Each agency makes its node key on its own host (`node-key`); only the public half (address and
enode public key) travels to the coordinator, who builds the genesis (`genesis`), the permissions
file (`permissions`) and each node's config (`node-config`). Nothing here talks to a network.
docs/operations/consortium-network.en.md walks through it; docs/decisions/0038 says why."""
