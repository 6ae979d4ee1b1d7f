"""The public explorer: server-rendered pages over the indexer's tables and the node."""
