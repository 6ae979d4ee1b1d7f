"""No personal data on chain: a full welfare scenario (enrol, refuse, update, suspend, appeal, exit,
disburse, fail a line, settle, repay) driven from records holding NIKs, names and bank accounts, with
the raw calldata of every transaction and the raw topics and data of every log searched for each of
them in every plausible encoding (ASCII, UTF-8, integer, unkeyed SHA-256/keccak of the NIK)."""

from __future__ import annotations

import hashlib

from brownie import web3

from app.protocol import welfare as welfarelib
from tests.contracts.welfare_fixtures import SECRET, counts

# Synthetic people as the gateway would hold them (never sent to the chain).
PEOPLE = [
    {"nik": "6302014507850001", "name": "Siti Rahmawati", "account": "1234567890", "bank": "BRI"},
    {"nik": "6302011203790002", "name": "Budi Santoso", "account": "0987654321012", "bank": "BNI"},
    {"nik": "6371020101600003", "name": "Nyoman Sukerti", "account": "5550001112", "bank": "Mandiri"},
    {"nik": "6302016606920004", "name": "Dewi Lestari", "account": "7771234567", "bank": "BSI"},
]


def encodings(person: dict) -> dict[str, str]:
    """Lower-case hex needles for every field of `person`."""
    nik, name, account = person["nik"], person["name"], person["account"]
    needles = {
        "nik ascii": nik.encode().hex(),
        "nik integer": format(int(nik), "x").rjust(14, "0"),
        "nik sha256": hashlib.sha256(nik.encode()).hexdigest(),
        "nik keccak": web3.keccak(text=nik).hex().removeprefix("0x"),
        "name utf-8": name.encode().hex(),
        "name lower": name.lower().encode().hex(),
        "account ascii": account.encode().hex(),
        "account integer": format(int(account), "x").rjust(10, "0"),
    }
    for word in name.split():
        needles[f"name part {word}"] = word.encode().hex()
    return needles


def raw_records(txids) -> list[str]:
    records = []
    for txid in txids:
        records.append(str(web3.eth.get_transaction(txid)["input"].hex()).lower())
        for log in web3.eth.get_transaction_receipt(txid)["logs"]:
            records.append("".join(bytes(topic).hex() for topic in log["topics"]) + bytes(log["data"]).hex())
    return records


def test_no_nik_name_or_account_number_reaches_calldata_or_logs(wkit, welfare, payments):
    key = {p["nik"]: welfarelib.beneficiary_key(SECRET, p["nik"]) for p in PEOPLE}
    siti, budi, nyoman, dewi = (key[p["nik"]] for p in PEOPLE)
    txs = []
    programme_tx = welfare.defineProgramme(
        wkit.line,
        "PKH",
        web3.eth.get_block("latest")["timestamp"] + 60,
        welfarelib.QUARTER_SECONDS,
        wkit.rules(),
        [],
        {"from": wkit.admin},
    )
    txs.append(programme_tx)
    programme = programme_tx.events["ProgrammeDefined"]["programmeId"]
    txs.append(welfare.setEnrollerScope(wkit.enroller, programme, [6302, 6371], True, {"from": wkit.admin}))
    wkit.start(programme)
    txs.append(
        wkit.enrol(
            programme,
            [
                (siti, 1, 6302, counts(pregnant=1, primary_school=2)),
                (budi, 2, 6302, counts(elderly=1)),
                (nyoman, 7, 6371, counts(elderly=1)),  # refused: decile
                (dewi, 3, 6302, counts(severe_disability=1)),
            ],
        )
    )
    txs.append(
        welfare.updateBeneficiary(
            programme, (budi, 2, 6302, counts(elderly=1, junior_secondary=1)), {"from": wkit.enroller}
        )
    )
    txs.append(
        welfare.fileAppeal(programme, nyoman, web3.keccak(text="surat keberatan"), {"from": wkit.enroller})
    )
    txs.append(
        welfare.resolveAppeal(programme, nyoman, False, web3.keccak(text="putusan"), {"from": wkit.admin})
    )
    txs.append(welfare.suspend(programme, dewi, b"PKH_CONDITION".ljust(32, b"\0"), {"from": wkit.enroller}))
    txs.append(welfare.confirmSuspension(programme, dewi, {"from": wkit.admin}))
    batch = wkit.disburse(programme, [siti, budi, nyoman, dewi])
    txs.append(batch)
    lines, batch_id = wkit.lines(batch), wkit.batch_id(batch)
    txs.append(wkit.fail_lines(batch_id, lines, [1]))
    txs.append(payments.settle(batch_id, 0, web3.keccak(text="iris-ref"), {"from": wkit.treasury}))
    txs.append(wkit.repay(batch_id, lines, [1]))
    txs.append(welfare.exitBeneficiary(programme, siti, b"GRADUATED".ljust(32, b"\0"), {"from": wkit.admin}))

    records = raw_records([tx.txid for tx in txs])
    assert len(records) > len(txs) * 2  # calldata and logs were both collected
    for person in PEOPLE:
        for label, needle in encodings(person).items():
            leaks = [r for r in records if needle in r]
            assert not leaks, f"{label} of a beneficiary found on chain"
    # What the chain does carry for a person is the keyed hash only.
    assert any(siti.hex() in r for r in records)
    assert siti != hashlib.sha256(PEOPLE[0]["nik"].encode()).digest()
