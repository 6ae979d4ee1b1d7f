"""The tools docs/runbooks/signer-key-compromise.en.md relies on, beyond what its drill shows:

- the gateway's signers registry reads its file again when it changes, so a stolen key is taken out
  of service, and its successor put in, without a restart; `python -m app.ledger.signers new|remove`
  edits the file (keystores encrypted with its password) and answers a mistake in one line;
- the committee's `official_key_rotation` act refuses a successor that already holds something
  (its seats would merge with the stolen key's) and an account that holds nothing;
- `python -m app.officials.access` answers a mistake in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml
from eth_account import Account
from web3 import Web3

from app.ledger.errors import SignerUnavailable
from app.ledger.signers import SignerRegistry, main, new_key, officer_signer
from app.officials.access import zero
from app.protocol.committee import description_hash
from app.protocol.manifest import load_manifest
from tests.support.localchain import ROOT

LKPP, PPK, VERIFIER = 1, 4, 8  # deploy/local.yaml: dev:1 (LKPP), dev:4 (PPK of IKN), dev:8 (a verifier)


@pytest.fixture()
def signers(tmp_path):
    (tmp_path / "keystores").mkdir()
    (tmp_path / "keystores" / "password").write_text("kata-sandi-uji")
    first = Account.create()
    keystore = tmp_path / "keystores" / "first.json"
    keystore.write_text(json.dumps(Account.encrypt(first.key, "kata-sandi-uji", iterations=2**10)))
    path = tmp_path / "signers.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "password_file": "keystores/password",
                "signers": {officer_signer(first.address): "keystores/first.json"},
            }
        )
    )
    return path, first.address


def test_a_removed_key_stops_signing_and_a_new_one_is_used_without_a_restart(signers, capsys):
    path, first = signers
    registry = SignerRegistry(path)
    assert registry.get(officer_signer(first)).address == first
    assert main(["--signers-file", str(path), "remove", officer_signer(first)]) == 0
    assert not registry.holds(officer_signer(first))
    with pytest.raises(SignerUnavailable):
        registry.get(officer_signer(first))
    assert main(["--signers-file", str(path), "new", "officer"]) == 0
    new = capsys.readouterr().out.strip().splitlines()[-1]
    assert Web3.is_checksum_address(new) and registry.holds(officer_signer(new))
    assert registry.get(officer_signer(new)).address == new  # decrypted with the file's password
    assert main(["--signers-file", str(path), "new", "role:TREASURY"]) == 0
    service = capsys.readouterr().out.strip()
    assert main(["--signers-file", str(path), "new", "role:TREASURY"]) == 0  # replaces the entry
    assert registry.get("role:TREASURY").address == capsys.readouterr().out.strip() != service
    assert registry.names() == sorted([officer_signer(new), "role:TREASURY"])


def test_operators_editing_the_signers_file_at_once_lose_none_of_each_others_changes(signers):
    """In an incident two operators may add and remove keys at the same moment: every change stays
    (a lost update could bring a stolen key back)."""
    path, first = signers
    with ThreadPoolExecutor(8) as pool:
        removed = pool.submit(main, ["--signers-file", str(path), "remove", officer_signer(first)])
        added = list(pool.map(lambda _n: new_key(path, "officer"), range(12)))
    assert removed.result() == 0
    held = SignerRegistry(path).names()
    assert held == sorted(officer_signer(a) for a in added)
    assert not list(path.parent.glob("*.new"))


def test_an_officials_entry_pointing_at_another_officials_key_is_refused(signers, caplog):
    """Whoever can edit the signers file, but not read the keystores' password, must not make one
    official sign as another: the key under `officer:<A>` must be A's."""
    path, first = signers
    other = Account.create()
    keystores = path.parent / "keystores"
    (keystores / "other.json").write_text(
        json.dumps(Account.encrypt(other.key, "kata-sandi-uji", iterations=2**10))
    )
    registry = SignerRegistry(path)
    data = yaml.safe_load(path.read_text())
    data["signers"][officer_signer(first)] = "keystores/other.json"  # A's entry, B's key
    path.write_text(yaml.safe_dump(data) + "# edited\n")
    with (
        caplog.at_level("WARNING", logger="terang.signers"),
        pytest.raises(SignerUnavailable, match="another account's"),
    ):
        registry.get(officer_signer(first))
    assert f"signers file changed: {officer_signer(first)}" in caplog.text


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["remove", "officer:0x" + "00" * 20], "holds no signer"),
        (["new", "agency:1001"], "unknown signer name"),
    ],
)
def test_the_signers_command_answers_a_mistake_in_one_line(signers, arguments, words):
    path, _ = signers
    ran = subprocess.run(
        [sys.executable, "-m", "app.ledger.signers", "--signers-file", str(path), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert ran.returncode == 2 and ran.stdout == ""
    assert ran.stderr.count("\n") == 1 and words in ran.stderr and "Traceback" not in ran.stderr


def test_the_access_probe_builds_zero_arguments_of_every_abi_type():
    assert zero("uint256") == 0 and zero("address") == "0x" + "0" * 40 and zero("bool") is False
    assert zero("bytes32") == b"\0" * 32 and zero("bytes") == b"" and zero("string") == ""
    assert zero("(uint64,(bytes32,bool),address[])") == (0, (b"\0" * 32, False), [])


def test_the_access_command_refuses_a_malformed_address_in_one_line():
    ran = subprocess.run(
        [sys.executable, "-m", "app.officials.access", "0x1234"], cwd=ROOT, capture_output=True, text=True
    )
    assert ran.returncode == 2 and ran.stderr.count("\n") == 1 and "not a 0x address" in ran.stderr


def test_a_rotation_to_an_account_that_already_holds_a_seat_or_from_one_holding_nothing_is_refused(
    client, token, chain_url
):
    accounts = Web3(Web3.HTTPProvider(chain_url)).eth.accounts
    lkpp = token("COMMITTEE", agency=3001, sub="pejabat-1", officer=accounts[LKPP])
    description = "0x" + description_hash("rotasi kunci").hex()

    def propose(current, successor):
        act = {"kind": "official_key_rotation", "current": current, "successor": successor}
        return client.post(
            "/committee/proposals",
            json={"acts": [act], "descriptionHash": description},
            headers={**lkpp, "Idempotency-Key": os.urandom(8).hex()},
        )

    merged = propose(accounts[PPK], accounts[VERIFIER])  # the verifier holds VERIFIER and agency 1001
    assert merged.status_code == 409 and merged.json()["code"] == "successor_in_use", merged.text
    nobody = propose(Account.create().address, Account.create().address)
    assert nobody.status_code == 404 and nobody.json()["code"] == "not_found", nobody.text
    same = propose(accounts[PPK], accounts[PPK])
    assert same.status_code == 422 and same.json()["code"] == "successor_in_use", same.text


def test_no_rotation_hands_the_committees_own_powers_to_one_key(client, token, chain_url, manifest_dir):
    """A rotation "from" the Committee contract would grant COMMITTEE to the successor and revoke it from
    the Committee: the hub lets the Committee do that (it holds ADMIN), so the gateway must refuse."""
    accounts = Web3(Web3.HTTPProvider(chain_url)).eth.accounts
    lkpp = token("COMMITTEE", agency=3001, sub="pejabat-1", officer=accounts[LKPP])
    committee = load_manifest(manifest_dir / "31337.json").address("Committee")
    act = {"kind": "official_key_rotation", "current": committee, "successor": Account.create().address}
    taken = client.post(
        "/committee/proposals",
        json={"acts": [act], "descriptionHash": "0x" + description_hash("rotasi").hex()},
        headers={**lkpp, "Idempotency-Key": os.urandom(8).hex()},
    )
    assert taken.status_code == 422 and taken.json()["code"] == "account_not_official", taken.text
    act = {**act, "current": accounts[PPK], "successor": committee}  # nor into a contract
    given = client.post(
        "/committee/proposals",
        json={"acts": [act], "descriptionHash": "0x" + description_hash("rotasi").hex()},
        headers={**lkpp, "Idempotency-Key": os.urandom(8).hex()},
    )
    assert given.status_code == 422 and given.json()["code"] == "account_not_official", given.text
