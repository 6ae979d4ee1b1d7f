"""A supplier moves its registry record to a new key without ETH: both keys sign RotateKey (the
current key to move, the new key to show it is held; app/protocol/supplier_keys.py) and the gateway
relays it to SupplierRegistry.rotateKeyBySig with the `relayer` key.

- `GET /suppliers/signing/{address}`: the EIP-712 domain, the fields, the address's next nonce and
  the supplier it holds now.
- `POST /suppliers/{supplier_id}/key-rotation`: the relay. Relayed for the supplier's own token, or
  an agency system's (app/api/relayers.py); `current` must be the supplier's registered key, or
  `newAccount` once the move is done (a retry), else 403 `SupplierNotCurrentKey` before anything is
  sent. The contract checks both signatures, the nonce, the deadline and that the new key is free;
  its refusals come back as problems named after its errors. Like every write it takes an
  Idempotency-Key.

The old key stops working at once: a bid signed with it and not yet relayed is refused, so a supplier
rotates between tenders, not while its signatures are in flight."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from web3 import Web3

from app.api.deps import ChainDep
from app.api.errors import ApiError
from app.api.relayers import Relayer, own_supplier_id
from app.api.schemas import ADDRESS
from app.api.writes import Call, WriterDep
from app.ledger.events import event_args
from app.protocol import supplier_keys
from app.suppliers.routes import SupplierId, supplier_record
from app.suppliers.schemas import KeyRotated, KeyRotation, RotationSigning

router = APIRouter(prefix="/suppliers", tags=["suppliers"])


@router.get(
    "/signing/{address}",
    response_model=RotationSigning,
    summary="What a supplier's client needs to sign a key rotation: domain, fields, next nonce",
)
def rotation_signing(address: Annotated[str, Path(pattern=ADDRESS)], chain: ChainDep):
    registry = chain.contract("SupplierRegistry")
    account = Web3.to_checksum_address(address)
    return {
        "domain": {
            "name": supplier_keys.DOMAIN_NAME,
            "version": supplier_keys.DOMAIN_VERSION,
            "chainId": chain.manifest.chain_id,
            "verifyingContract": registry.address,
        },
        "primaryType": supplier_keys.ROTATE_KEY_TYPE,
        "fields": supplier_keys.FIELDS,
        "nonce": registry.functions.nonces(account).call(),
        "supplierId": registry.functions.supplierIdOf(account).call() or None,
    }


@router.post(
    "/{supplier_id}/key-rotation",
    status_code=201,
    response_model=KeyRotated,
    summary="Relay a supplier's key rotation signed by its current and its new key",
)
def relay_key_rotation(
    request: Request,
    supplier_id: SupplierId,
    body: KeyRotation,
    principal: Relayer,
    chain: ChainDep,
    write: WriterDep,
):
    own_supplier_id(principal, supplier_id)
    registered = supplier_record(chain, supplier_id)["account"]
    # The rotation must be this supplier's: its key signs first. Once it moved, the new key holds the
    # record, and a retry under the same Idempotency-Key must still reach its stored answer.
    if registered not in (Web3.to_checksum_address(body.current), Web3.to_checksum_address(body.newAccount)):
        raise ApiError(
            403,
            "SupplierNotCurrentKey",
            detail=f"{body.current} is not supplier {supplier_id}'s registered key {registered}",
        )
    registry = chain.contract("SupplierRegistry")
    args = [
        Web3.to_checksum_address(body.current),
        Web3.to_checksum_address(body.newAccount),
        body.nonce,
        body.deadline,
        body.currentSignature,
        body.newSignature,
    ]
    call = Call(registry, "rotateKeyBySig", args, "relayer")

    def outcome(confirmed):
        event = event_args(registry, "SupplierKeyRotated", confirmed)
        return {
            "supplierId": event["supplierId"],
            "previousAccount": event["previousAccount"],
            "newAccount": event["newAccount"],
        }

    return write(body.model_dump(), call, outcome, 201)
