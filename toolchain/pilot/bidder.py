"""A bidder's own client, for trying tenders locally (docs/guides/): a wallet file per supplier, and
the acts a supplier does itself. Local use only: in real life each bidder uses its own software.

    python -m toolchain.pilot.bidder new --out FILE                       # a key; prints its address
    python -m toolchain.pilot.bidder bid --wallet FILE --supplier-id N --ocid OCID --price RUPIAH
                                         [--product 0xID:BPS ...] [--bond-ref 0xHASH]
    python -m toolchain.pilot.bidder open --wallet FILE --ocid OCID
    python -m toolchain.pilot.bidder object --wallet FILE --ocid OCID --evidence-hash 0xHASH
    python -m toolchain.pilot.bidder appeal --wallet FILE --ocid OCID --objection N --bond-ref 0xHASH

`bid` (the wallet's first bid on a tender; re-bids are not made here) reads the tender's Pokja
from the gateway, seals the opening in an envelope for them, computes the commitment and signs
CommitBid with the wallet's key; `open` signs RevealBid; `object` signs FileObjection (sanggah): the
gateway relays each (its relayer pays the gas), with the token of --token or TERANG_BIDDER_TOKEN
(the supplier's own, or the agency's e-procurement system's).
`appeal` (sanggah banding) has no signed form: the wallet's account sends fileAppeal to the chain
itself and pays its gas (`python -m toolchain.localchain fund ADDRESS` on a local chain first).
The wallet file (mode 0600) keeps the key and each bid's opening until the bidder opens it.

--gateway defaults to TERANG_URL, --rpc-url (the chain's clock and the appeal) to TERANG_RPC_URL.
Each act prints the gateway's answer (or the appeal's receipt) as JSON. `--help` never acts;
mistakes end in one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

PROG = "python -m toolchain.pilot.bidder"
USAGE_ERROR = 2
WALLET_FORMAT = "terang-bidder-wallet/1"
HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
APPEAL_GAS = 300_000
ROOT = Path(__file__).resolve().parents[2]


class BidderError(Exception):
    """A mistake said in one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        _fail(f"{message} (see {PROG} --help)")


def _fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(USAGE_ERROR)


def _hash(text: str) -> str:
    if not HASH.match(text):
        raise argparse.ArgumentTypeError(f"not a 32-byte hash: {text!r} (0x and 64 hex digits)")
    return text


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {text!r}")
    return value


def _product(text: str) -> tuple[str, int]:
    product, _, share = text.partition(":")
    if not HASH.match(product) or not share.isdigit() or not 0 < int(share) <= 10_000:
        raise argparse.ArgumentTypeError(f"not a product share: {text!r} (0xPRODUCT_ID:BASIS_POINTS)")
    return product, int(share)


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog=PROG, description="A bidder's own client, for trying tenders locally.")
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)

    new = commands.add_parser("new", help="make a wallet (a key); print its address")
    new.add_argument("--out", required=True, help="the wallet file to write (must not exist)")

    def acting(name: str, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--wallet", required=True, help="the bidder's wallet file (from `new`)")
        sub.add_argument("--ocid", required=True, help="the tender's OCDS id")
        sub.add_argument("--gateway", default=os.environ.get("TERANG_URL"), help="default $TERANG_URL")
        sub.add_argument(
            "--rpc-url", default=os.environ.get("TERANG_RPC_URL"), help="default $TERANG_RPC_URL"
        )
        sub.add_argument(
            "--token", default=os.environ.get("TERANG_BIDDER_TOKEN"), help="default $TERANG_BIDDER_TOKEN"
        )
        return sub

    bid = acting("bid", "seal, sign and send a sealed bid")
    bid.add_argument("--supplier-id", required=True, type=_positive, help="the wallet's supplier id")
    bid.add_argument("--price", required=True, type=_positive, help="the offer in rupiah")
    bid.add_argument(
        "--product",
        action="append",
        type=_product,
        default=[],
        help="a certified product and its share of the value, 0xID:BPS (repeat for several)",
    )
    bid.add_argument("--bond-ref", type=_hash, default="0x" + "00" * 32, help="the bid bond document's hash")
    acting("open", "open (reveal) the wallet's bid in the reveal period")
    objection = acting("object", "file a sanggah against the proposed award")
    objection.add_argument("--evidence-hash", required=True, type=_hash, help="keccak256 of the letter")
    appeal = acting("appeal", "file a sanggah banding against the Pokja's answer (construction)")
    appeal.add_argument("--objection", required=True, type=_positive, help="the objection's number")
    appeal.add_argument("--bond-ref", required=True, type=_hash, help="the appeal bond document's hash")
    return root


@dataclass
class Wallet:
    path: Path
    document: dict
    account: object = None
    supplier_id: int = 0
    price: int = 0
    products: list = field(default_factory=list)
    bid_bond_ref: bytes = bytes(32)
    salt: bytes = b""
    commitment: bytes = b""
    commit_seq: int = 0
    envelope_hash: str = ""

    @classmethod
    def load(cls, path: Path, ocid: str | None = None) -> Wallet:
        from eth_account import Account

        try:
            if path.stat().st_mode & 0o077:
                raise BidderError(f"{path} is readable by others (chmod 600 it)")
            document = json.loads(path.read_text())
            account = Account.from_key(document["privateKey"])
            if document.get("format") != WALLET_FORMAT:
                raise ValueError
        except FileNotFoundError:
            raise BidderError(f"no wallet file {path}") from None
        except (ValueError, KeyError, TypeError):
            raise BidderError(f"{path} is not a wallet made by `{PROG} new`") from None
        wallet = cls(path, document, account)
        held = document.get("bids", {}).get(ocid) if ocid else None
        if held:
            wallet.supplier_id, wallet.price = held["supplierId"], held["price"]
            wallet.products = [(p, s) for p, s in held["products"]]
            wallet.bid_bond_ref = bytes.fromhex(held["bidBondRef"][2:])
            wallet.salt = bytes.fromhex(held["salt"][2:])
            wallet.commitment = bytes.fromhex(held["commitment"][2:])
            wallet.commit_seq, wallet.envelope_hash = held["commitSeq"], held["envelopeHash"]
        return wallet

    def keep_bid(self, ocid: str) -> None:
        self.document.setdefault("bids", {})[ocid] = {
            "supplierId": self.supplier_id,
            "price": self.price,
            "products": [list(p) for p in self.products],
            "bidBondRef": "0x" + self.bid_bond_ref.hex(),
            "salt": "0x" + self.salt.hex(),
            "commitment": "0x" + self.commitment.hex(),
            "commitSeq": self.commit_seq,
            "envelopeHash": self.envelope_hash,
        }
        self.path.write_text(json.dumps(self.document, indent=2) + "\n")


def new_wallet(out: Path) -> str:
    from eth_account import Account

    account = Account.create()
    document = {"format": WALLET_FORMAT, "address": account.address, "privateKey": account.key.hex()}
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BidderError(f"{out} exists; a wallet is never replaced (choose another --out)") from None
    except OSError as error:
        raise BidderError(f"cannot write {out}: {error.strerror or error}") from None
    with os.fdopen(descriptor, "w") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")
    return account.address


def act(args: argparse.Namespace) -> dict:
    from app.protocol.bids import tender_id
    from toolchain.pilot import supplier_client as client
    from toolchain.pilot.api import Gateway, LocalClock

    for option, value in (("--gateway", args.gateway), ("--rpc-url", args.rpc_url)):
        if not value or not value.startswith(("http://", "https://")):
            raise BidderError(f"{option} must be an http:// URL (or set TERANG_URL and TERANG_RPC_URL)")
    if args.command != "appeal" and not args.token:
        raise BidderError("no token: give --token or set TERANG_BIDDER_TOKEN")
    wallet = Wallet.load(Path(args.wallet), args.ocid)
    tender = "0x" + tender_id(args.ocid).hex()
    clock = LocalClock(args.rpc_url)
    if args.command == "appeal":
        return _appeal(args, wallet, tender)
    api = Gateway(args.gateway)
    auth = {"Authorization": f"Bearer {args.token}"}
    try:
        if args.command == "bid":
            if wallet.commitment:
                raise BidderError(f"{args.wallet} already holds a bid on {args.ocid}")
            wallet.supplier_id, wallet.price = args.supplier_id, args.price
            wallet.products, wallet.bid_bond_ref = args.product, bytes.fromhex(args.bond_ref[2:])
            answer = client.commit(api, clock, args.ocid, tender, wallet, auth)
            wallet.keep_bid(args.ocid)  # the opening stays with the bidder until it opens its bid
            return answer
        if not wallet.commitment:
            raise BidderError(f"{args.wallet} holds no bid on {args.ocid}")
        if args.command == "open":
            return client.reveal(api, clock, args.ocid, tender, wallet, auth)
        return client.file_objection(api, clock, args.ocid, tender, wallet, args.evidence_hash, auth)
    finally:
        api.close()


def _appeal(args: argparse.Namespace, wallet: Wallet, tender: str) -> dict:
    """fileAppeal(tenderId, objectionId, bondRef) sent by the wallet's own account."""
    from eth_abi import decode, encode
    from eth_utils import function_signature_to_4byte_selector, keccak

    from toolchain.jsonrpc import JsonRpcError, rpc
    from toolchain.pilot.api import wait_until

    def call(method: str, params: list):
        try:
            return rpc(args.rpc_url, method, params)
        except JsonRpcError as error:
            said = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
            reason = _error_name(said.get("data")) or said.get("message") or str(error)
            raise BidderError(f"the chain refused the appeal: {reason}") from None

    signing = _gateway_get(args.gateway, f"/tenders/signing/{wallet.account.address}")
    data = function_signature_to_4byte_selector("fileAppeal(bytes32,uint16,bytes32)") + encode(
        ["bytes32", "uint16", "bytes32"],
        [bytes.fromhex(tender[2:]), args.objection, bytes.fromhex(args.bond_ref[2:])],
    )
    sender = wallet.account.address
    transaction = {
        "to": signing["domain"]["verifyingContract"],
        "data": "0x" + data.hex(),
        "value": 0,
        "gas": APPEAL_GAS,
        "gasPrice": int(call("eth_gasPrice", []), 16),
        "nonce": int(call("eth_getTransactionCount", [sender, "pending"]), 16),
        "chainId": signing["domain"]["chainId"],
    }
    if int(call("eth_getBalance", [sender, "latest"]), 16) < APPEAL_GAS * transaction["gasPrice"]:
        raise BidderError(
            f"{sender} holds no ETH for the appeal's gas (local: python -m toolchain.localchain fund)"
        )
    call("eth_call", [{"from": sender, "to": transaction["to"], "data": transaction["data"]}, "latest"])
    raw = wallet.account.sign_transaction(transaction).raw_transaction
    sent = call("eth_sendRawTransaction", ["0x" + bytes(raw).hex()])
    receipt = wait_until(
        lambda: call("eth_getTransactionReceipt", [sent]), "the appeal's receipt", timeout=30
    )
    if int(receipt["status"], 16) != 1:
        raise BidderError(f"the appeal's transaction {sent} failed")
    topic = "0x" + keccak(text="AppealFiled(bytes32,uint16,uint64,bytes32,uint96)").hex()
    (filed,) = [log for log in receipt["logs"] if log["topics"][0] == topic]
    _bond_ref, bond = decode(["bytes32", "uint96"], bytes.fromhex(filed["data"][2:]))
    return {"ocid": args.ocid, "objectionId": args.objection, "bond": bond, "transactionHash": sent}


def _error_name(data) -> str | None:
    """The ITenders custom error a revert's data names (from the compiled interface), if any."""
    from eth_utils import function_signature_to_4byte_selector

    if isinstance(data, dict):
        data = data.get("data")
    if not isinstance(data, str) or len(data) < 10:
        return None
    try:
        abi = json.loads((ROOT / "build" / "interfaces" / "ITenders.json").read_text())["abi"]
    except (OSError, ValueError, KeyError):
        return None
    for item in abi:
        if item.get("type") == "error":
            signature = f"{item['name']}({','.join(i['type'] for i in item['inputs'])})"
            if "0x" + function_signature_to_4byte_selector(signature).hex() == data[:10].lower():
                return item["name"]
    return None


def _gateway_get(base: str, path: str) -> dict:
    from toolchain.pilot.api import Gateway

    api = Gateway(base)
    try:
        return api.get(path)
    finally:
        api.close()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # nothing is read, written or sent before the arguments parse
    from toolchain.pilot.api import PilotError

    try:
        if args.command == "new":
            print(new_wallet(Path(args.out)))
        else:
            print(json.dumps(act(args)))
    except (BidderError, PilotError) as error:
        _fail(str(error))
    except Exception as error:  # never a traceback: one line, what kind of failure
        _fail(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else 'unexpected failure'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
