"""Documents: tender documents, addenda and evidence, stored by their keccak-256 and served to
anyone, so the file behind each hash on chain can be read and checked."""
