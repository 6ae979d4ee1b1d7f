"""What both Python environments (brownie's and the gateway's) share, and nothing else: EIP-712 types,
bid commitments, escrow and welfare hashes, Merkle trees, keyed identifiers, the role model, the
deployment manifest and the contracts' vocabulary. Depends on eth-utils, eth-abi and eth-account only."""
