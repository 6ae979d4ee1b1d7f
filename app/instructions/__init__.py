"""Payment instructions as the Payments ledger and the indexer hold them."""
