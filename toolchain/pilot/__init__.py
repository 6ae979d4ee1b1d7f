"""The scripted pilot: an IKN tender at the lowest price (with a withheld bid the Pokja's quorum
opens), a value-system Seleksi on sealed score sheets, the first award's contract and a welfare
period, driven through the gateway's REST API only (the local chain's clock is the one thing moved
directly, instead of waiting days). `bidder.py` is a bidder's own client for trying tenders by hand
(docs/guides/)."""
