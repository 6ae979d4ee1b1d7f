"""The gateway's connection to the chain: a web3 client checked against the deployment manifest."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3
from web3.contract import Contract

from app.chain.manifest import Manifest, load_manifest, manifest_path
from app.config import Settings


class ChainUnavailable(Exception):
    """The node cannot be reached or reports the wrong chain; the message says what to do."""


@dataclass
class ChainClient:
    web3: Web3
    manifest: Manifest

    def contract(self, name: str) -> Contract:
        deployed = self.manifest.contracts[name]
        return self.web3.eth.contract(address=Web3.to_checksum_address(deployed.address), abi=deployed.abi)


def connect(settings: Settings) -> ChainClient:
    w3 = Web3(Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": settings.rpc_timeout_seconds}))
    try:
        chain_id = w3.eth.chain_id
    except Exception as exc:  # any transport failure means the same thing to the operator
        raise ChainUnavailable(
            f"cannot reach the chain at {settings.rpc_url} ({type(exc).__name__}); "
            "start a node or set TERANG_RPC_URL"
        ) from None
    if settings.chain_id is not None and chain_id != settings.chain_id:
        raise ChainUnavailable(
            f"the node at {settings.rpc_url} reports chain {chain_id}, "
            f"expected TERANG_CHAIN_ID={settings.chain_id}"
        )
    path = settings.manifest or manifest_path(settings.manifest_dir, chain_id)
    manifest = load_manifest(path, expected_chain_id=chain_id)
    hub = manifest.contracts.get("AccessHub")
    if hub is None or len(w3.eth.get_code(Web3.to_checksum_address(hub.address))) == 0:
        raise ChainUnavailable(
            f"manifest {path} names contracts that chain {chain_id} does not have "
            "(was the chain restarted?); deploy again"
        )
    return ChainClient(web3=w3, manifest=manifest)
