"""The gateway's chain core, knowing no domain: one JSON-RPC client, reads once per block, revert
decoding, calldata, signing and signers, the transaction manager and the idempotent write path."""
