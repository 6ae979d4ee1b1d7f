"""The phased rollout, drilled on ONE running system: a real local chain with the suite deployed once
(deploy/local.yaml), one gateway process on it, and the `terang onboard` commands
(python -m app.onboarding.cli) run by the committee's secretariat. No contract is redeployed: each
phase is an onboarding plan the committee proposes, a second member agency approves, and the
Committee executes after the hub's delay (the clock moved by evm_setNextBlockTimestamp). The only
operational step per phase is the gateway's operator adding the new officials' keystores to the
signers file and restarting the gateway.

- phase 1, IKN: a unit of the Otorita; its PPK is refused before execution, announces a tender after;
- phase 2, a sector ministry (Kementerian Kesehatan): its PPK announces a tender;
- phase 3, the province of Jawa Timur (35) with Kabupaten Malang (35.07): the province's PPK announces
  a tender, the regency's PPK cannot announce for the province; the programme's welfare administrator
  scopes the province's enroller to 35.07, which enrols a family of Malang and is refused (scope) for a
  family of Banten (36.01);
- insiders: one member official cannot onboard alone; a plan cannot move an official of one agency to
  another; a plan file altered after its proposal is told apart from the plan on chain."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
import yaml
from eth_account import Account
from web3 import Web3

from app.protocol import welfare as welfarelib
from app.protocol.manifest import load_manifest
from tests.support.clock import now, travel_to
from tests.support.gateway_process import gateway_process
from tests.support.localchain import ROOT, rpc
from tests.support.plans import import_request, with_rup

LKPP, KEMENKEU, BPK = 1, 2, 3  # dev accounts of deploy/local.yaml's committee officials
AGENCY = {LKPP: 3001, KEMENKEU: 3002, BPK: 3003}
PROBLEM = "application/problem+json"
DAY = 24 * 3600


def new_official(name: str):
    """A new official's account: a key of its own (never a development account)."""
    return Account.from_key(hashlib.sha256(f"terang rollout drill {name}".encode()).digest())


OFFICIALS = {
    name: new_official(name)
    for name in ("ikn-ppk", "kemenkes-ppk", "kemenkes-pphp", "jatim-ppk", "jatim-enroller", "malang-ppk")
}
IKN, KEMENKES, JATIM, MALANG = 1101, 1024, 3500, 3507


def plan_text(phase: str, agencies: list[dict]) -> str:
    return yaml.safe_dump({"phase": phase, "agencies": agencies}, sort_keys=False, allow_unicode=True)


def official(name: str, *roles: str, scopes: list | None = None) -> dict:
    entry = {"address": OFFICIALS[name].address, "roles": list(roles)}
    if scopes:
        entry["scopes"] = scopes
    return entry


class Drill:
    """The one running system: the chain, the gateway process (restarted when keys are added) and the
    secretariat's command line."""

    def __init__(self, chain_url, manifest_dir, issuer_dir, signers_file, token, folder: Path) -> None:
        self.chain_url, self.token, self.folder = chain_url, token, folder
        self.manifest = load_manifest(manifest_dir / "31337.json")
        self.web3 = Web3(Web3.HTTPProvider(chain_url))
        self.accounts = self.web3.eth.accounts
        session = yaml.safe_load(signers_file.read_text())
        base = signers_file.parent
        self.password = (base / session["password_file"]).read_text()
        self.signers = {name: str(base / path) for name, path in session["signers"].items()}
        self.signers_file = folder / "signers.yaml"
        self._write_signers()
        self.env = {
            "TERANG_RPC_URL": chain_url,
            "TERANG_CHAIN_ID": "31337",
            "TERANG_MANIFEST_DIR": str(manifest_dir),
            "TERANG_DATABASE_URL": f"sqlite:///{folder / 'gateway.db'}",
            "TERANG_SIGNERS_FILE": str(self.signers_file),
            "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
            "TERANG_KEYRING_FILE": str(folder / "keyring.json"),
            "TERANG_DOCUMENTS_DIR": str(folder / "documents"),
            "TERANG_ENVIRONMENT": "test",
            "TERANG_INDEXER_ENABLED": "false",
            "TERANG_RATE_LIMIT_PER_SECOND": "0",
            "TERANG_WELFARE_NOTICES_ENABLED": "false",
        }
        self.state: dict[str, tuple[int, Path]] = {}
        self._stack = contextlib.ExitStack()
        self.url = ""
        self.restart()

    # --- the gateway ---------------------------------------------------------------------------

    def _write_signers(self) -> None:
        self.signers_file.write_text(
            yaml.safe_dump({"password_file": str(self.folder / "password"), "signers": self.signers})
        )
        (self.folder / "password").write_text(self.password)

    def add_keys(self, *names: str) -> None:
        """The operator's step for a phase: the new officials' keystores in the signers file (and
        some gas for their accounts), then a gateway restart. No contract is redeployed."""
        for name in names:
            account = OFFICIALS[name]
            file = self.folder / f"{name}.json"
            file.write_text(json.dumps(Account.encrypt(account.key, self.password, iterations=2**12)))
            self.signers[f"officer:{account.address}"] = str(file)
            rpc(self.chain_url, "anvil_setBalance", [account.address, hex(10**20)])
        self._write_signers()
        self.restart()

    def restart(self) -> None:
        self._stack.close()
        self._stack = contextlib.ExitStack()
        self.url, _ = self._stack.enter_context(gateway_process(self.env, self.folder / "gateway.log"))

    def close(self) -> None:
        self._stack.close()

    # --- requests --------------------------------------------------------------------------------

    def committee(self, index: int) -> dict:
        return self.token(
            "COMMITTEE", agency=AGENCY[index], sub=f"komite-{index}", officer=self.accounts[index]
        )

    def officer(self, name: str, agency: int, role: str = "AGENCY_OFFICER") -> dict:
        return self.token(role, agency=agency, sub=name, officer=OFFICIALS[name].address)

    def get(self, path: str) -> dict:
        answer = httpx.get(self.url + path, timeout=60)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def post(
        self, path: str, headers: dict, body: dict | None = None, method: str = "POST"
    ) -> httpx.Response:
        return httpx.request(
            method,
            self.url + path,
            json=body,
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            timeout=60,
        )

    # --- the secretariat's command line ----------------------------------------------------------

    def onboard(self, *args: str, token: dict | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "TERANG_URL": self.url, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("TERANG_TOKEN", None)
        if token is not None:
            env["TERANG_TOKEN"] = token["Authorization"].removeprefix("Bearer ")
        return subprocess.run(
            [sys.executable, "-m", "app.onboarding.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def write_plan(self, name: str, text: str) -> Path:
        path = self.folder / f"{name}.yaml"
        path.write_text(text)
        return path


def problem(answer: httpx.Response, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert answer.json()["code"] == code, answer.json()
    return answer.json()


def one_line_error(ran: subprocess.CompletedProcess, *fragments: str) -> str:
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert ran.stderr.startswith("error: ") and ran.stderr.count("\n") == 1, ran.stderr
    assert "Traceback" not in ran.stderr
    for fragment in fragments:
        assert fragment in ran.stderr, ran.stderr
    return ran.stderr


@pytest.fixture(scope="module")
def drill(chain_url, manifest_dir, issuer_dir, signers_file, token, tmp_path_factory):
    running = Drill(
        chain_url, manifest_dir, issuer_dir, signers_file, token, tmp_path_factory.mktemp("drill")
    )
    try:
        yield running
    finally:
        running.close()


def propose(drill: Drill, path: Path) -> int:
    """The secretariat checks the plan offline, then an LKPP official proposes it."""
    checked = drill.onboard("check", str(path))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-1].startswith("ok: ")
    assert hashlib.sha256(path.read_bytes()).hexdigest() in checked.stdout
    proposed = drill.onboard("propose", str(path), token=drill.committee(LKPP))
    assert proposed.returncode == 0, proposed.stderr
    assert proposed.stdout.startswith("proposed: plan ")
    plan_id = int(proposed.stdout.split()[2])
    # The proposal's description hash is the plan file's SHA-256: auditors tie the acts to the file.
    committee = drill.web3.eth.contract(
        address=drill.manifest.address("Committee"), abi=drill.manifest.contracts["Committee"].abi
    )
    assert committee.functions.getProposal(plan_id).call()[5] == hashlib.sha256(path.read_bytes()).digest()
    assert drill.get(f"/onboarding/plans/{plan_id}")["stage"] == "proposed"
    return plan_id


def approve_and_schedule(drill: Drill, plan_id: int) -> int:
    base = f"/committee/proposals/{plan_id}"
    approved = drill.post(f"{base}/approvals", drill.committee(KEMENKEU))
    assert approved.status_code == 200, approved.text
    assert drill.get(f"/onboarding/plans/{plan_id}")["stage"] == "approved"
    scheduled = drill.post(f"{base}/schedule", drill.committee(KEMENKEU))
    assert scheduled.status_code == 200, scheduled.text
    problem(drill.post(f"{base}/execution", drill.committee(LKPP)), 409, "CommitteeNotReady")
    progress = drill.get(f"/onboarding/plans/{plan_id}")
    assert progress["stage"] == "scheduled" and not any(a["registered"] for a in progress["agencies"])
    return scheduled.json()["executableAt"]


def execute(drill: Drill, plan_id: int, ready_at: int, path: Path) -> dict:
    travel_to(drill.chain_url, ready_at + 1)
    assert drill.get(f"/onboarding/plans/{plan_id}")["stage"] == "executable"
    executed = drill.post(f"/committee/proposals/{plan_id}/execution", drill.committee(LKPP))
    assert executed.status_code == 200, executed.text
    progress = drill.get(f"/onboarding/plans/{plan_id}")
    assert progress["stage"] == "executed" and progress["planIntact"]
    for agency in progress["agencies"]:
        assert agency["registered"], agency
        for person in agency["officials"]:
            assert person["assigned"] and all(person["roles"].values()), person
    status = drill.onboard("status", str(plan_id), "--plan", str(path))
    assert status.returncode == 0, status.stderr
    assert f"plan {plan_id} " in status.stdout and ": executed at " in status.stdout
    return progress


def announce(drill: Drill, who: str, agency: int, number: int) -> httpx.Response:
    start = now(drill.chain_url)
    body = {
        "ocid": f"ocds-terang-{agency}-2027-{number:04d}",
        "title": f"Pengadaan uji coba tahap peluncuran {agency}",
        "documentHash": Web3.to_hex(Web3.keccak(text=f"dokumen {agency} {number}")),
        "agencyId": agency,
        "hps": 2_000_000_000,
        "category": 0,
        "commitDeadline": start + 7 * DAY,
        "revealDeadline": start + 9 * DAY,
        "objectionWindow": 3 * DAY,
        "minValidBids": 1,
    }
    # LKPP's data officer (dev:1) imports the package from SIRUP first (tests/support/plans.py), never
    # the PPK; the PPK is refused at the announcement before its agency joined, which the phases check.
    imported = drill.post(
        "/plans/imports", drill.token("DATA_OFFICER", sub="lkpp-data"), import_request(body)
    )
    assert imported.status_code == 201, imported.text
    return drill.post("/tenders", drill.officer(who, agency), with_rup(body))


def test_phase_1_ikn_joins_by_a_committee_act_and_its_ppk_acts_only_after(drill):
    path = drill.write_plan(
        "phase-1",
        plan_text(
            "1-ikn",
            [
                {
                    "id": IKN,
                    "name": "Otorita Ibu Kota Nusantara - Kedeputian Sarana dan Prasarana",
                    "kind": "ikn",
                    "region": "64",
                    "officials": [official("ikn-ppk", "AGENCY_OFFICER")],
                }
            ],
        ),
    )
    plan_id = propose(drill, path)
    drill.state["phase-1"] = (plan_id, path)
    ready_at = approve_and_schedule(drill, plan_id)
    drill.add_keys("ikn-ppk")  # the operator's step: the PPK's own keystore, then a restart
    # Holding the key is not enough: until the committee's act executes, the directory knows no PPK.
    problem(announce(drill, "ikn-ppk", IKN, 1), 403, "official_not_registered")
    execute(drill, plan_id, ready_at, path)
    announced = announce(drill, "ikn-ppk", IKN, 1)
    assert announced.status_code == 201, announced.text


def test_phase_2_a_sector_ministry_joins_and_its_ppk_announces(drill):
    path = drill.write_plan(
        "phase-2",
        plan_text(
            "2-sektor-kesehatan",
            [
                {
                    "id": KEMENKES,
                    "name": "Kementerian Kesehatan",
                    "kind": "ministry",
                    "officials": [
                        official("kemenkes-ppk", "AGENCY_OFFICER"),
                        official("kemenkes-pphp", "VERIFIER"),
                    ],
                }
            ],
        ),
    )
    plan_id = propose(drill, path)
    ready_at = approve_and_schedule(drill, plan_id)
    execute(drill, plan_id, ready_at, path)
    drill.add_keys("kemenkes-ppk", "kemenkes-pphp")
    announced = announce(drill, "kemenkes-ppk", KEMENKES, 1)
    assert announced.status_code == 201, announced.text
    # The ministry's PPK acts for its own agency only.
    problem(announce(drill, "kemenkes-ppk", IKN, 2), 403, "wrong_agency")


def _programme(drill: Drill) -> int:
    """A welfare programme paying in Kabupaten Malang (3507) and Kabupaten Pandeglang (3601): its
    budget line a committee act, the programme the welfare administrator's (deploy/local.yaml)."""
    line = {"ceilingPerPeriod": 100_000_000, "maxBenefit": 3_000_000, "periodLength": 30 * DAY}
    proposed = drill.post("/welfare/budget-lines", drill.committee(LKPP), line)
    assert proposed.status_code == 201, proposed.text
    base = f"/committee/proposals/{proposed.json()['proposalId']}"
    assert drill.post(f"{base}/approvals", drill.committee(KEMENKEU)).status_code == 200
    scheduled = drill.post(f"{base}/schedule", drill.committee(KEMENKEU))
    travel_to(drill.chain_url, scheduled.json()["executableAt"] + 1)
    executed = drill.post(f"{base}/execution", drill.committee(LKPP))
    assert executed.status_code == 200, executed.text
    (approved,) = [e["args"] for e in executed.json()["events"] if e["event"] == "BudgetLineApproved"]
    rules = {
        "deciles": [1, 2, 3, 4],
        "allRegions": False,
        "regions": [3507, 3601],
        "componentCap": welfarelib.PKH_COMPONENT_CAP,
        "budgetPerPeriod": 50_000_000,
        "componentAmounts": welfarelib.pkh_amounts_per_period()[:7],
    }
    body = {
        "budgetLine": approved["lineId"],
        "name": "PKH uji peluncuran",
        "firstPeriodStart": now(drill.chain_url) + 3600,
        "periodLength": 30 * DAY,
        "rules": rules,
    }
    created = drill.post("/welfare/programmes", drill.token("WELFARE_ADMIN"), body)
    assert created.status_code == 201, created.text
    return created.json()["programmeId"]


def test_phase_3_a_province_and_its_regency_join_and_the_enroller_stays_in_its_regions(drill):
    programme = _programme(drill)
    province = {
        "id": JATIM,
        "name": "Pemerintah Provinsi Jawa Timur",
        "kind": "province",
        "region": "35",
        "officials": [
            official("jatim-ppk", "AGENCY_OFFICER"),
            official("jatim-enroller", "ENROLLER", scopes=[{"programme": programme, "regions": ["35.07"]}]),
        ],
    }
    regency = {
        "id": MALANG,
        "name": "Pemerintah Kabupaten Malang",
        "kind": "regency",
        "region": "35.07",
        "parent": JATIM,
        "officials": [official("malang-ppk", "AGENCY_OFFICER")],
    }
    # A regency outside its parent province, and an enroller scoped outside the province: refused
    # offline, in one line, before anything is sent.
    outside = drill.write_plan(
        "outside", plan_text("3-jawa-timur", [province, {**regency, "region": "36.01"}])
    )
    one_line_error(drill.onboard("check", str(outside)), "36.01 is outside the parent province 35")
    scopes = [{"programme": programme, "regions": ["36.01"]}]
    banten = {**province, "officials": [official("jatim-enroller", "ENROLLER", scopes=scopes)]}
    one_line_error(drill.onboard("check", str(drill.write_plan("banten", plan_text("x", [banten])))), "36.01")
    unknown = {**province, "officials": [official("jatim-ppk", "BUPATI")]}
    one_line_error(drill.onboard("check", str(drill.write_plan("role", plan_text("x", [unknown])))), "BUPATI")

    path = drill.write_plan("phase-3", plan_text("3-jawa-timur", [province, regency]))
    plan_id = propose(drill, path)
    drill.state["phase-3"] = (plan_id, path)
    ready_at = approve_and_schedule(drill, plan_id)
    progress = execute(drill, plan_id, ready_at, path)
    assert (progress["scopesSet"], progress["scopesPlanned"]) == (0, 1)  # the welfare admin's step, next
    drill.add_keys("jatim-ppk", "jatim-enroller", "malang-ppk")

    announced = announce(drill, "jatim-ppk", JATIM, 1)
    assert announced.status_code == 201, announced.text
    problem(announce(drill, "malang-ppk", JATIM, 2), 403, "wrong_agency")  # the regency acts for itself
    announced = announce(drill, "malang-ppk", MALANG, 1)
    assert announced.status_code == 201, announced.text

    enroller = OFFICIALS["jatim-enroller"].address
    scoped = drill.post(
        f"/welfare/programmes/{programme}/enrollers/{enroller}/scope",
        drill.token("WELFARE_ADMIN"),
        {"regions": [3507]},
        method="PUT",
    )
    assert scoped.status_code == 200, scoped.text
    assert drill.get(f"/onboarding/plans/{plan_id}")["scopesSet"] == 1
    status = drill.onboard("status", str(plan_id))
    assert "enroller scopes set 1/1" in status.stdout, status.stdout + status.stderr

    def enrol(nik: str, region: int) -> httpx.Response:
        applicant = {"nik": nik, "decile": 2, "region": region, "components": [0, 1, 0, 0, 0, 0, 0]}
        body = {"applicants": [applicant], "reason": "uji coba peluncuran tahap 3"}
        headers = drill.officer("jatim-enroller", JATIM, role="ENROLLER")
        return drill.post(f"/welfare/programmes/{programme}/enrolments", headers, body)

    malang = enrol("3507014107850001", 3507)
    assert malang.status_code == 200, malang.text
    assert malang.json()["enrolled"] == 1
    refused = enrol("3601014107850002", 3601)  # Banten: in the programme, outside the enroller's scope
    assert refused.status_code >= 400 and refused.json()["code"] == "WelfareEnrollerOutOfScope", refused.text

    listed = {a["agencyId"]: a for a in drill.get("/agencies")["agencies"]}
    assert (listed[JATIM]["kind"], listed[JATIM]["region"], listed[JATIM]["phase"]) == (
        "province",
        "35",
        "3-jawa-timur",
    )
    assert (listed[MALANG]["region"], listed[MALANG]["parent"]) == ("35.07", JATIM)
    assert listed[MALANG]["onboardedAt"] and listed[MALANG]["onboardedAtWib"].endswith("+07:00")
    assert (listed[IKN]["phase"], listed[KEMENKES]["kind"]) == ("1-ikn", "ministry")
    assert listed[1001]["phase"] is None  # onboarded at deployment: no plan


def test_one_member_official_cannot_onboard_alone(drill):
    plan = {
        "id": 3578,
        "name": "Pemerintah Kota Surabaya",
        "kind": "regency",
        "region": "35.78",
        "parent": JATIM,  # onboarded in phase 3: checked against the gateway's records
        "officials": [{"address": new_official("surabaya-ppk").address, "roles": ["AGENCY_OFFICER"]}],
    }
    path = drill.write_plan("alone", plan_text("3b-jawa-timur", [plan]))
    plan_id = propose(drill, path)
    base = f"/committee/proposals/{plan_id}"
    problem(drill.post(f"{base}/schedule", drill.committee(LKPP)), 409, "CommitteeNotEnoughApprovals")
    problem(drill.post(f"{base}/approvals", drill.committee(LKPP)), 409, "CommitteeAlreadyApproved")
    problem(drill.post(f"{base}/execution", drill.committee(LKPP)), 409, "CommitteeWrongStatus")
    # A newly onboarded official with a committee token is no committee member.
    ppk_as_member = drill.token(
        "COMMITTEE", agency=JATIM, sub="jatim", officer=OFFICIALS["jatim-ppk"].address
    )
    problem(drill.post(f"{base}/approvals", ppk_as_member), 403, "CommitteeNotMember")
    problem(
        drill.post("/onboarding/plans", ppk_as_member, {"plan": path.read_text()}), 403, "CommitteeNotMember"
    )
    # The same plan again while it is pending is refused; so is an agency id it already claims.
    problem(
        drill.post("/onboarding/plans", drill.committee(KEMENKEU), {"plan": path.read_text()}),
        409,
        "plan_pending",
    )
    travel_to(drill.chain_url, now(drill.chain_url) + 7 * DAY)
    progress = drill.get(f"/onboarding/plans/{plan_id}")
    assert progress["stage"] == "proposed" and not progress["agencies"][0]["registered"]
    pending = {a["agencyId"] for a in drill.get("/agencies")["pending"]}
    assert 3578 in pending
    # A guardian agency ends it.
    bpk = drill.token("GUARDIAN", agency=AGENCY[BPK], sub="bpk", officer=drill.accounts[BPK])
    vetoed = drill.post(f"{base}/veto", bpk, {"reasonHash": "0x" + "be" * 32})
    assert vetoed.status_code == 200, vetoed.text
    assert drill.get(f"/onboarding/plans/{plan_id}")["stage"] == "vetoed"


def test_a_plan_cannot_move_an_official_of_one_agency_to_another(drill):
    taken = OFFICIALS["jatim-ppk"].address  # the province's PPK since phase 3
    plan = {
        "id": 3573,
        "name": "Pemerintah Kota Malang",
        "kind": "regency",
        "region": "35.73",
        "parent": JATIM,
        "officials": [{"address": taken, "roles": ["AGENCY_OFFICER"]}],
    }
    path = drill.write_plan("moved", plan_text("3c-jawa-timur", [plan]))
    assert drill.onboard("check", str(path)).returncode == 0  # offline, nothing tells
    refused = drill.onboard("propose", str(path), token=drill.committee(LKPP))
    one_line_error(refused, "official_in_other_agency", taken, str(JATIM))
    answer = drill.post("/onboarding/plans", drill.committee(KEMENKEU), {"plan": path.read_text()})
    problem(answer, 409, "official_in_other_agency")
    # An agency id already taken, and one official listed for two agencies, likewise.
    fresh = [{"address": new_official("x").address, "roles": ["AGENCY_OFFICER"]}]
    taken_id = {"id": JATIM, "name": "Badan Lain", "kind": "agency", "officials": fresh}
    again = drill.write_plan("again", plan_text("x", [taken_id]))
    one_line_error(
        drill.onboard("propose", str(again), token=drill.committee(LKPP)), "AgencyAlreadyRegistered"
    )
    same = new_official("y").address
    first = {**plan, "officials": [{"address": same, "roles": ["AGENCY_OFFICER"]}]}
    second = {**plan, "id": 3574, "region": "35.74", "officials": [{"address": same, "roles": ["VERIFIER"]}]}
    twice = drill.write_plan("twice", plan_text("x", [first, second]))
    one_line_error(drill.onboard("check", str(twice)), "listed twice")
    directory = drill.web3.eth.contract(
        address=drill.manifest.address("AgencyDirectory"), abi=drill.manifest.contracts["AgencyDirectory"].abi
    )
    assert directory.functions.agencyOf(taken).call() == JATIM


def test_a_plan_altered_after_its_proposal_is_told_apart(drill):
    plan_id, path = drill.state["phase-1"]
    altered = drill.write_plan("phase-1-altered", path.read_text().replace("AGENCY_OFFICER", "WELFARE_ADMIN"))
    ran = drill.onboard("status", str(plan_id), "--plan", str(altered))
    one_line_error(ran, "altered after it was proposed", hashlib.sha256(path.read_bytes()).hexdigest())
    progress = drill.get(f"/onboarding/plans/{plan_id}")
    assert progress["planSha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert progress["plan"] == path.read_text() and progress["planIntact"]
    ok = drill.onboard("status", str(plan_id), "--plan", str(path))
    assert ok.returncode == 0, ok.stderr
