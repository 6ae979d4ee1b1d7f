"""The IKN Pokja of the REST stories (deploy/local.yaml): its officers' accounts and tokens, their
envelope keys (each member's own, kept here as a member keeps its key file), the appointment through
the gateway, and members' shares of a bid's envelope."""

from __future__ import annotations

from dataclasses import dataclass, field

from web3 import Web3

from app.auth import devissuer
from app.protocol import bids
from app.tenders import envelope
from tests.support.clock import key
from tests.support.localchain import rpc

PPK, POKJA, KPA = 4, (5, 20, 21), 22  # dev indexes: officers of agency 1001 (deploy/local.yaml)
QUORUM = 2


def dev_address(chain_url: str, index: int) -> str:
    return Web3.to_checksum_address(rpc(chain_url, "eth_accounts")[index])


def officer_token(issuer_dir, chain_url: str, index: int | None, agency: int = 1001, sub: str = "") -> dict:
    """A bearer header for an officer of `agency` whose token names its own account (dev:index; None:
    no officer claim)."""
    officer = dev_address(chain_url, index) if index is not None else None
    value = devissuer.issue(
        sub or f"officer-{index}", ["AGENCY_OFFICER"], agency, folder=issuer_dir, officer=officer
    )
    return {"Authorization": f"Bearer {value}"}


@dataclass
class Pokja:
    chain_url: str
    issuer_dir: object
    members: tuple[int, ...] = POKJA
    quorum: int = QUORUM
    keys: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)  # dev index -> (private, public)

    def __post_init__(self) -> None:
        for member in self.members:
            self.keys.setdefault(member, envelope.generate_member_key())

    def token(self, member: int) -> dict:
        return officer_token(self.issuer_dir, self.chain_url, member, sub=f"pokja-{member}")

    def index(self, member: int) -> int:
        """The member's share index: its position in the Pokja, from 1."""
        return self.members.index(member) + 1

    def appointment(self) -> dict:
        return {
            "members": [dev_address(self.chain_url, m) for m in self.members],
            "encryptionKeys": [Web3.to_hex(self.keys[m][1]) for m in self.members],
            "quorum": self.quorum,
        }

    def ppk(self) -> dict:
        return officer_token(self.issuer_dir, self.chain_url, PPK, sub="ppk-ikn")

    def appoint(self, client, ocid: str):
        """POST /tenders/{ocid}/pokja as the PPK (the agency's key signs the appointment)."""
        return client.post(f"/tenders/{ocid}/pokja", json=self.appointment(), headers={**self.ppk(), **key()})

    def public_keys(self) -> list[bytes]:
        return [self.keys[m][1] for m in self.members]

    def seal(self, ocid: str, supplier_id: int, plaintext: bytes) -> bytes:
        """What a bidder's client does: the opening sealed for this Pokja."""
        return envelope.seal(plaintext, bids.tender_id(ocid), supplier_id, self.public_keys(), self.quorum)

    def share(self, member: int, sealed: bytes, ocid: str, supplier_id: int) -> dict:
        """Member `member`'s share of `sealed`, decrypted with its own key, as the request takes it."""
        mine = envelope.decrypt_share(
            sealed, bids.tender_id(ocid), supplier_id, self.index(member), self.keys[member][0]
        )
        return {"index": mine.index, "value": Web3.to_hex(mine.value)}


def managed_supplier(client, token, registry, label: str, umkm: bool = False) -> dict:
    """A supplier without a wallet: its gateway-managed key first, then registered (by an IKN
    officer) with that address and verified (by a PU officer). Nothing else may register meanwhile."""
    supplier_id = registry.functions.supplierCount().call() + 1
    headers = token(supplier=supplier_id, sub=label)
    made = client.post(f"/suppliers/{supplier_id}/managed-key", headers=headers)
    assert made.status_code == 201, made.text
    body = {
        "account": made.json()["address"],
        "nib": f"9150{int.from_bytes(Web3.keccak(text=label)[:4], 'big') % 10**9:09d}",
        "npwp": f"{int.from_bytes(Web3.keccak(text='npwp' + label)[:8], 'big') % 10**15:015d}",
        "umkm": umkm,
        "regionCode": 6409,
    }
    registered = client.post(
        "/suppliers", json=body, headers={**token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn"), **key()}
    )
    assert registered.status_code == 201 and registered.json()["supplierId"] == supplier_id, registered.text
    verified = client.post(
        f"/suppliers/{supplier_id}/verification", headers={**token("AGENCY_OFFICER", agency=1002), **key()}
    )
    assert verified.status_code == 200, verified.text
    return {"id": supplier_id, "token": headers, "address": Web3.to_checksum_address(body["account"])}
