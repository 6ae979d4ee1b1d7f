"""The event indexer: the deployed contracts' logs, decoded into the database, reorg-safe."""
