"""The money rules by version (PolicyRegistry): public reads, straight from the ledger. A new version
is a committee act through the hub's delay, not a gateway route."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from web3 import Web3

from app.api.deps import ChainDep
from app.api.errors import ApiError
from app.policies.schemas import PolicyVersion, PolicyVersions
from app.protocol import policy as policy_rules

CONTRACT = "PolicyRegistry"
router = APIRouter(prefix="/policies", tags=["policies"])
Version = Annotated[int, Path(ge=1, lt=2**32, description="The version, 1 for the deployment's")]


@router.get("", response_model=PolicyVersions, summary="Every version of the money rules, oldest first")
def policy_versions(chain: ChainDep):
    current = _current(chain)
    return {
        "registry": Web3.to_checksum_address(chain.manifest.contracts[CONTRACT].address),
        "currentVersion": current,
        "versions": [_version(chain, v, current) for v in range(1, current + 1)],
    }


@router.get(
    "/{version}",
    response_model=PolicyVersion,
    summary="One version of the money rules, each figure with the regulation's name for it",
)
def policy_version(version: Version, chain: ChainDep):
    current = _current(chain)
    if version > current:
        raise ApiError(404, "not_found", detail=f"no policy version {version} (the latest is {current})")
    return _version(chain, version, current)


def _current(chain) -> int:
    if CONTRACT not in chain.manifest.contracts:
        raise ApiError(404, "not_found", detail="this deployment has no policy registry")
    return int(chain.read(CONTRACT, "currentVersion"))


def _version(chain, version: int, current: int) -> dict:
    values = policy_rules.named(chain.read(CONTRACT, "policyOf", version))
    source_hash, published_at = chain.read(CONTRACT, "publicationOf", version)
    return {
        "version": version,
        "inForce": version == current,
        "sourceHash": Web3.to_hex(source_hash),
        "publishedAt": published_at,
        "policy": values,
        "rules": [
            {
                "field": name,
                "value": values[name],
                "unit": rule.unit,
                "labelId": rule.label_id,
                "labelEn": rule.label_en,
                "basis": rule.basis,
            }
            for name, rule in policy_rules.RULES.items()
        ],
    }
