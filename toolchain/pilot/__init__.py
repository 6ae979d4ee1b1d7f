"""The scripted pilot: an IKN tender, its contract and a welfare period, driven through the gateway's
REST API only (the local chain's clock is the one thing moved directly, instead of waiting days)."""
