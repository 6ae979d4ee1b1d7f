"""Imported archives: past procurement processes (SPSE exports, OCDS archives) stored record by
record with a Merkle tree whose root a data officer anchors on chain (contracts/Archives.sol), so
anyone can prove a shown record is the one imported (docs/decisions/0041-legacy-archives.md)."""
