"""A transaction its signer signed and handed over to be relayed as is (a supplier's own act that
the contract has no signature-relayed form of): its fields read back out of the signed bytes."""

from __future__ import annotations

from dataclasses import dataclass

import rlp
from eth_account import Account
from eth_account.typed_transactions import TypedTransaction
from hexbytes import HexBytes
from web3 import Web3


class NotASignedTransaction(ValueError):
    """The bytes are not a signed transaction."""


@dataclass(frozen=True)
class SignedTransaction:
    raw: bytes
    tx_hash: str
    sender: str
    nonce: int
    chain_id: int | None  # None: a pre-EIP-155 legacy transaction, valid on any chain
    to: str | None
    data: bytes

    @classmethod
    def from_raw(cls, raw: bytes) -> SignedTransaction:
        """Typed (EIP-2718) or legacy; raises NotASignedTransaction for anything else."""
        try:
            sender = Account.recover_transaction(raw)
            if raw[0] < 0x80:  # a typed transaction's leading type byte
                fields = TypedTransaction.from_bytes(HexBytes(raw)).as_dict()
                to, data = fields.get("to"), fields.get("data", b"")
                chain_id, nonce = fields.get("chainId"), fields["nonce"]
            else:
                nonce, _price, _gas, to, _value, data, v, _r, _s = rlp.decode(raw)
                nonce, v = int.from_bytes(nonce, "big"), int.from_bytes(v, "big")
                chain_id = (v - 35) // 2 if v >= 35 else None  # EIP-155
        except Exception as exc:  # eth-account and rlp raise many kinds for malformed bytes
            raise NotASignedTransaction(str(exc) or type(exc).__name__) from None
        return cls(
            raw=bytes(raw),
            tx_hash=Web3.to_hex(Web3.keccak(raw)),
            sender=sender,
            nonce=nonce,
            chain_id=chain_id,
            to=Web3.to_checksum_address(to) if to else None,
            data=bytes(HexBytes(data)),
        )
