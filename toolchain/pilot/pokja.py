"""The pilot's Pokja: three officers of IKN (deploy/local.yaml: dev:5, dev:20, dev:21), quorum two.

Each member makes its own envelope key with the member tool (`python -m app.tenders.pokja keygen`,
called in-process here) into a key file only it reads; the officer who appoints the Pokja gives the
gateway the public keys. After the reveal deadline, for a bid its supplier did not open, each of two
members decrypts its own share of the bid's envelope with the same tool (`share`), and one of them
sends both shares to the quorum opening route. Every act of a member is signed with its own key
(its token names its account: claim `officer`), never the agency's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from app.tenders import pokja as member_tool
from toolchain.jsonrpc import rpc
from toolchain.pilot.api import Gateway

AGENCY = 1001  # OIKN
POKJA_ACCOUNTS = (5, 20, 21)  # development accounts of IKN officers on the Pokja (deploy/local.yaml)
KPA_ACCOUNT = 22  # the IKN officer outside the Pokja who answers appeals (sanggah banding)
QUORUM = 2


@dataclass
class Member:
    index: int  # position in the Pokja, from 1: the member's share of every envelope
    address: str
    key_file: Path
    public_key: str
    auth: dict
    private_key: str  # kept here only so the pilot's test can check it never reached a log


class Pokja:
    def __init__(self, api: Gateway, rpc_url: str, folder: Path) -> None:
        """Each member runs keygen once; the key files live in `folder` (the members' own machines)."""
        self.api = api
        accounts = rpc(rpc_url, "eth_accounts")
        self.members: list[Member] = []
        for index, account in enumerate(POKJA_ACCOUNTS, start=1):
            address = Web3.to_checksum_address(accounts[account])
            key_file = folder / f"pokja-member-{index}.key"
            public_key = member_tool.keygen(key_file)
            auth = api.token("AGENCY_OFFICER", agency=AGENCY, officer=address, sub=f"pokja-oikn-{index}")
            private_key = json.loads(key_file.read_text())["privateKey"]
            self.members.append(Member(index, address, key_file, public_key, auth, private_key))
        self.quorum = QUORUM

    def member(self, index: int) -> Member:
        return self.members[index - 1]

    def appoint(self, ocid: str, ppk: dict) -> str:
        """The PPK appoints the Pokja for `ocid`: members in order, their public keys, the quorum."""
        appointed = self.api.post(
            f"/tenders/{ocid}/pokja",
            {
                "members": [m.address for m in self.members],
                "encryptionKeys": [m.public_key for m in self.members],
                "quorum": self.quorum,
            },
            ppk,
        )
        return appointed["transactionHash"]

    def share(self, index: int, ocid: str, supplier_id: int) -> dict:
        """What member `index` runs on its own machine: `python -m app.tenders.pokja share`."""
        member = self.member(index)
        return member_tool.share(member.key_file, index, ocid, supplier_id, str(self.api.http.base_url))

    def open_withheld(self, ocid: str, supplier_id: int, members: tuple[int, ...], sender: int) -> dict:
        """`members` each decrypt their share; member `sender` sends them to the quorum opening."""
        shares = [self.share(index, ocid, supplier_id) for index in members]
        return self.api.post(
            f"/tenders/{ocid}/bids/{supplier_id}/quorum-opening",
            {"shares": shares},
            self.member(sender).auth,
        )
