"""A QBFT genesis for Besu: the validators in the header's extraData, a free-gas (zero base fee)
fee market, the hardforks the contracts are compiled for (shanghai, brownie-config.yaml).

Besu's QBFT extraData is RLP([vanity (32 bytes), [validator addresses], vote, round, [seals]]):
no vote is an empty list, the round is an RLP scalar (round 0: the empty string, 0x80) and the
genesis carries no seals (an empty list). A vote is [recipient, 0xff] to add, [recipient, ""] to drop.
"""

from __future__ import annotations

from collections.abc import Sequence

import rlp
from eth_utils import to_checksum_address

from toolchain.consortium.inputs import KitError

VANITY = bytes(32)
ADD_VOTE, DROP_VOTE = b"\xff", b""
# The mixHash every IBFT 2.0 / QBFT block carries ("tical byzantine fault tolerance").
BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365"
MIN_VALIDATORS = 4  # n >= 3f + 1 with f = 1: the network survives one validator down or faulty
GAS_LIMIT = 30_000_000  # the local chains' block gas limit, so what deploys locally deploys here


def _scalar(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""


def encode_extra_data(
    validators: Sequence[str],
    vanity: bytes = VANITY,
    vote: tuple[str, bool] | None = None,
    round_number: int = 0,
    seals: Sequence[bytes] = (),
) -> str:
    """The header's extraData as Besu's QbftExtraDataCodec writes it, 0x-prefixed hex."""
    if len(vanity) != 32:
        raise ValueError("the vanity is 32 bytes")
    voted = [] if vote is None else [bytes.fromhex(vote[0][2:]), ADD_VOTE if vote[1] else DROP_VOTE]
    items = [vanity, [bytes.fromhex(v[2:]) for v in validators], voted, _scalar(round_number), list(seals)]
    return "0x" + rlp.encode(items).hex()


def decode_extra_data(extra_data: str) -> dict:
    """The fields of a QBFT extraData (the inverse of encode_extra_data)."""
    vanity, validators, vote, round_bytes, seals = rlp.decode(bytes.fromhex(extra_data.removeprefix("0x")))
    return {
        "vanity": vanity,
        "validators": [to_checksum_address(v) for v in validators],
        "vote": None if vote == [] else (to_checksum_address(vote[0]), vote[1] == ADD_VOTE),
        "round": int.from_bytes(round_bytes, "big"),
        "seals": list(seals),
    }


def fault_tolerance(validators: int) -> int:
    """How many validators may fail with the network still making blocks: f with n >= 3f + 1."""
    return (validators - 1) // 3


def check_validator_count(validators: Sequence[str], allow_fewer: bool) -> str | None:
    """Refuses fewer than four validators unless `allow_fewer` (a one-agency trial); then the
    warning to print."""
    if len(validators) >= MIN_VALIDATORS:
        return None
    text = (
        f"{len(validators)} validator(s) tolerate no fault: QBFT needs at least {MIN_VALIDATORS} "
        "(n >= 3f + 1) to keep making blocks with one validator down"
    )
    if not allow_fewer:
        raise KitError(f"--validators: {text}; pass --allow-fewer only for a trial network")
    return f"warning: {text} (a trial network, not the consortium)"


def build_genesis(
    validators: Sequence[str],
    chain_id: int,
    block_period_seconds: int = 2,
    epoch_length: int = 30_000,
    request_timeout_seconds: int = 4,
    alloc: dict[str, int] | None = None,
) -> dict:
    if block_period_seconds < 1:
        raise KitError("--block-period: at least 1 second")
    if request_timeout_seconds <= block_period_seconds:
        raise KitError("--request-timeout: must be longer than --block-period (a round would time out first)")
    if epoch_length < 1:
        raise KitError("--epoch-length: at least 1 block")
    milestones = dict.fromkeys(
        (
            "homesteadBlock",
            "eip150Block",
            "eip155Block",
            "eip158Block",
            "byzantiumBlock",
            "constantinopleBlock",
            "petersburgBlock",
            "istanbulBlock",
            "berlinBlock",
            "londonBlock",
        ),
        0,
    )
    return {
        "config": {
            "chainId": chain_id,
            **milestones,
            "shanghaiTime": 0,
            # A free-gas network: the validators are the agencies and need no fee as an incentive.
            "zeroBaseFee": True,
            "qbft": {
                "blockperiodseconds": block_period_seconds,
                "epochlength": epoch_length,
                "requesttimeoutseconds": request_timeout_seconds,
            },
        },
        "nonce": "0x0",
        "timestamp": "0x0",
        "gasLimit": hex(GAS_LIMIT),
        "difficulty": "0x1",
        "mixHash": BFT_MIX_HASH,
        "coinbase": "0x0000000000000000000000000000000000000000",
        "baseFeePerGas": "0x0",
        "extraData": encode_extra_data(validators),
        "alloc": {a.lower().removeprefix("0x"): {"balance": hex(wei)} for a, wei in (alloc or {}).items()},
    }
