"""Signing the gateway's own transactions: EIP-1559 (type 2), or EIP-155 legacy on networks without a
base fee (a zero-fee Besu consortium).

The bytes are eth-account's exactly (RLP of the fields, keccak, RFC 6979 secp256k1 signature with a
low s, by libsecp256k1 through coincurve, which eth-keys uses too); tests/gateway/test_signing.py
checks it on generated transactions. eth-account first validates and normalises the dictionary
through several layers: 0.43 ms of CPU per transaction against 0.08 ms here
(bench/write_path_parts.py), and signing runs inside the signer's nonce lock (docs/decisions/0011)."""

from __future__ import annotations

from dataclasses import dataclass

import rlp
from coincurve import PrivateKey
from eth_hash.auto import keccak


@dataclass(frozen=True)
class SignedTransaction:
    raw: bytes
    hash: bytes


class TransactionSigner:
    def __init__(self, private_key: bytes) -> None:
        self._key = PrivateKey(bytes(private_key))

    def _signature(self, digest: bytes) -> tuple[int, int, int]:
        signature = self._key.sign_recoverable(digest, hasher=None)  # r (32) | s (32) | recovery id
        return int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"), signature[64]

    def sign(self, tx: dict) -> SignedTransaction:
        """`tx`: chainId, nonce, gas, to (0x address), value, data (bytes), and either
        maxFeePerGas with maxPriorityFeePerGas (type 2) or gasPrice (legacy)."""
        # What this signer does not encode is refused, never silently left out of the signature.
        if tx.get("accessList"):
            raise ValueError("access lists are not signed here (EIP-1559 without one, or legacy)")
        if tx.get("type") not in (None, 0, 2):
            raise ValueError(f"transaction type {tx['type']} is not signed here (type 2 or legacy)")
        to = bytes.fromhex(tx["to"][2:])
        data = bytes(tx["data"])
        if "maxFeePerGas" in tx:
            fields = [
                tx["chainId"],
                tx["nonce"],
                tx["maxPriorityFeePerGas"],
                tx["maxFeePerGas"],
                tx["gas"],
                to,
                tx["value"],
                data,
                [],  # access list
            ]
            r, s, recovery = self._signature(keccak(b"\x02" + rlp.encode(fields)))
            raw = b"\x02" + rlp.encode([*fields, recovery, r, s])
        else:
            fields = [tx["nonce"], tx["gasPrice"], tx["gas"], to, tx["value"], data]
            r, s, recovery = self._signature(keccak(rlp.encode([*fields, tx["chainId"], 0, 0])))
            raw = rlp.encode([*fields, recovery + 35 + 2 * tx["chainId"], r, s])
        return SignedTransaction(raw=raw, hash=keccak(raw))
