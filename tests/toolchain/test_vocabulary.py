"""The contracts' vocabulary (app/protocol/vocabulary.json) is what the compiler says, and the
Python code names the contracts' states through it rather than through copies: the committed file
is regenerated from build/ and compared; the enums and structs are checked against the Solidity
sources and the ABIs a gateway loads; the code is searched for hand-typed enum lists and codes; the
mappings keyed by vocabulary words (OCDS codes, explorer labels) and the event names typed by hand
(explorer, OCDS, instruction history) are checked against the contracts."""

from __future__ import annotations

import ast
import json
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

from app.protocol import vocabulary
from tests.support.localchain import ROOT
from toolchain.vocabulary import generate

BUILD = ROOT / "build"
OWN_CONTRACTS = [
    p.stem for p in sorted((ROOT / "contracts").glob("*.sol"))
]  # the deployables (libraries and test harnesses live in subfolders)
# Where code lives that must name the contracts' states through the vocabulary. Tests may spell the
# API's words (they are what the API is asserted to say) but not enum lists or codes.
CODE = ("app", "toolchain", "scripts", "bench")
ALL_PYTHON = (*CODE, "tests")


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


# -- the file is the build's -----------------------------------------------------------------------
def test_the_committed_vocabulary_is_what_the_build_says():
    assert vocabulary.DATA_FILE.read_text(encoding="utf-8") == generate(BUILD), (
        "app/protocol/vocabulary.json is out of date: run `make compile` (python -m toolchain.vocabulary)"
    )


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def test_the_vocabulary_in_git_goes_with_the_contracts_in_git():
    """`make compile` rewrites the file, so the test above passes in a checkout where a contract
    changed and the regenerated vocabulary was not committed. When the sources equal the last
    commit's, the last commit's vocabulary must be the build's too."""
    try:
        changed = _git("status", "--porcelain", "--", "contracts", "interfaces")
    except FileNotFoundError:
        pytest.skip("no git")
    committed = _git("show", f"HEAD:{relative(vocabulary.DATA_FILE)}")
    if changed.returncode != 0 or committed.returncode != 0:
        pytest.skip("not a git checkout, or the vocabulary is not committed yet")
    if changed.stdout.strip():
        pytest.skip("contract sources changed since the last commit")
    assert committed.stdout == generate(BUILD), "commit app/protocol/vocabulary.json with the contracts"


# -- the file says what the sources and the ABIs say ----------------------------------------------
def _solidity_sources() -> list[Path]:
    sources = sorted((ROOT / "contracts").rglob("*.sol")) + sorted((ROOT / "interfaces").glob("*.sol"))
    return [p for p in sources if "test" not in p.relative_to(ROOT).parts]  # test harnesses left out


def _without_comments(source: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", source, flags=re.S)


def test_every_enum_and_struct_of_the_sources_is_in_it_in_declaration_order():
    """Read from the .sol files with a regular expression, independently of the ASTs."""
    enums: dict[str, list[str]] = {}
    structs: dict[str, list[str]] = {}
    for path in _solidity_sources():
        text = _without_comments(path.read_text(encoding="utf-8"))
        for name, body in re.findall(r"\benum\s+(\w+)\s*\{([^}]*)\}", text):
            enums[f"{path.stem}.{name}"] = [m.strip() for m in body.split(",") if m.strip()]
        for name, body in re.findall(r"\bstruct\s+(\w+)\s*\{([^}]*)\}", text):
            structs[f"{path.stem}.{name}"] = [d.split()[-1] for d in body.split(";") if d.strip()]
    assert enums and structs
    assert {name: list(e.members) for name, e in vocabulary.enums().items()} == enums
    assert {name: list(s.names) for name, s in vocabulary.structs().items()} == structs


@cache
def _abi(contract: str) -> list[dict]:
    return json.loads((BUILD / "contracts" / f"{contract}.json").read_text(encoding="utf-8"))["abi"]


def _abi_tuple(param: dict) -> str:
    suffix = param["type"].removeprefix("tuple")
    return "(" + ",".join(_abi_type(c) for c in param["components"]) + ")" + suffix


def _abi_type(param: dict) -> str:
    return _abi_tuple(param) if param["type"].startswith("tuple") else param["type"]


def _params(node: dict):
    for param in node.get("inputs", []) + node.get("outputs", []):
        yield param
        yield from _params({"inputs": param.get("components", [])})


def test_every_struct_and_enum_the_abis_use_is_in_it_with_the_same_fields():
    """The ABIs are what a gateway without build/ has (the deployment manifest): every struct a
    deployed contract passes has the vocabulary's fields and ABI type, every enum is known."""
    seen_structs, seen_enums = set(), set()
    for contract in OWN_CONTRACTS:
        for entry in _abi(contract):
            for param in _params(entry):
                internal = param.get("internalType", "")
                base = re.sub(r"(\[\d*\])+$", "", internal)
                if base.startswith("struct "):
                    struct = vocabulary.struct(base.removeprefix("struct "))
                    assert struct.names == tuple(c["name"] for c in param["components"]), internal
                    assert struct.abi_type + param["type"].removeprefix("tuple") == _abi_tuple(param)
                    seen_structs.add(struct.name)
                elif base.startswith("enum "):
                    assert param["type"] == "uint8"
                    seen_enums.add(vocabulary.enum(base.removeprefix("enum ")).name)
    assert {"IPayments.Instruction", "ITenders.Bid", "IMilestoneEscrow.EscrowTerms"} <= seen_structs
    assert {"ITenders.TenderStatus", "IWelfarePrograms.Reason"} <= seen_enums


# -- words and codes --------------------------------------------------------------------------------
def test_words_are_the_members_in_snake_case_and_codes_their_positions():
    assert [vocabulary.word(m) for m in ("AwardProposed", "TooFewValidBids", "None", "ABCDef")] == [
        "award_proposed",
        "too_few_valid_bids",
        "none",
        "abc_def",
    ]
    for enum in vocabulary.enums().values():
        assert len(set(enum.words)) == len(enum)
        for code, (member, word) in enumerate(zip(enum.members, enum.words, strict=True)):
            assert enum.code(member) == enum.code(word) == code
            assert enum.word(code) == enum.word(member) == word
    status = vocabulary.enum("ITenders.TenderStatus")
    assert status.codes("Open", "awarded") == (1, 3)
    with pytest.raises(KeyError, match="AwardProposed"):
        status.code("Evaluated")
    with pytest.raises(ValueError):
        status.word(len(status))


def test_struct_abi_types_and_names():
    instruction = vocabulary.struct("IPayments.Instruction")
    assert instruction.abi_type == "(address,uint8,uint8,uint8,uint72,bytes32)"
    assert instruction.named(("0xa", 4, 1, 0, 5, b"k"))["purpose"] == 4
    assert vocabulary.struct("IMilestoneEscrow.EscrowTerms").index("verifiers") == 8
    assert vocabulary.struct("WelfarePrograms.Terms").abi_type.endswith(
        vocabulary.struct("IWelfarePrograms.Rules").abi_type + ")"
    )


# -- no copies ------------------------------------------------------------------------------------
def _python_files(roots: tuple[str, ...]) -> list[Path]:
    return [
        p
        for root in roots
        for p in sorted((ROOT / root).rglob("*.py"))
        if p.resolve() != Path(__file__).resolve() and not {".venv", "node_modules"} & set(p.parts)
    ]


def _is_copy(strings: list[str]) -> str | None:
    """The enum `strings` copies: three or more of one enum's members or words, in its order."""
    if len(strings) < 3:
        return None
    for enum in vocabulary.enums().values():
        for names in (enum.members, enum.words):
            if set(strings) <= set(names) and sorted(strings, key=names.index) == strings:
                return enum.name
    return None


def _upper_words() -> set[str]:
    return {w.upper() for e in vocabulary.enums().values() for w in e.words}


def _strings(nodes: list) -> list[str] | None:
    strings = [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return strings if len(strings) == len(nodes) else None


def hand_typed_copies(source: str, where: str, lists_too: bool) -> list[str]:
    """Enum copies in Python `source`. With `lists_too`: a literal list, tuple or set of an enum's
    names, a dict whose values are, a dict of strings keyed by codes 0, 1, ... (`{0: "goods", 1: "works"}`),
    an Enum class whose members are an enum's words. Always: a tuple of constants unpacked from
    range(), an integer constant named after a member (`OPEN = 1`, `P_WELFARE_BATCH = 4`)."""
    found: list[tuple[int, str]] = []
    upper = _upper_words()
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if lists_too and isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
            strings = _strings(node.values if isinstance(node, ast.Dict) else node.elts)
            if strings and (copied := _is_copy(strings)):
                found.append((line, f"a list of {copied}"))
        if lists_too and isinstance(node, ast.Dict) and len(node.keys) >= 2:
            keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
            if keys == list(range(len(keys))) and _strings(node.values):
                found.append((line, "a mapping keyed by codes"))
        if lists_too and isinstance(node, ast.ClassDef) and any("Enum" in ast.unparse(b) for b in node.bases):
            members = [t.id.lower() for a in node.body if isinstance(a, ast.Assign) for t in a.targets]
            words = [set(e.words) for e in vocabulary.enums().values()]
            if len(members) >= 2 and any(set(members) <= w for w in words):
                found.append((line, "an Enum class of an enum's words"))
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if (
            isinstance(target, ast.Tuple)
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "range"
        ):
            found.append((line, "constants unpacked from range()"))
        if (
            isinstance(target, ast.Name)
            and isinstance(value, ast.Constant)
            and type(value.value) is int
            and re.sub(r"^[A-Z]{1,2}_(?=[A-Z])", "", target.id) in upper
        ):
            found.append((line, f"{target.id} = {value.value}, a member's code"))
    return [f"{where}:{line}: {what}" for line, what in sorted(found)]


def test_the_copy_finder_finds_the_copies_the_code_held_before_the_vocabulary():
    sample = (
        'STATUS = ["none", "open", "award_proposed", "awarded", "failed", "cancelled"]\n'
        'REASONS = ("None", "DecileNotEligible", "RegionNotCovered")\n'
        'kind = ["none", "rejection", "penalty"][1]\n'
        "NONE, AUTHORIZED, SETTLED, FAILED, CANCELLED = range(5)\n"
        "OPEN = 1  # TenderStatus.Open\n"
        "P_WELFARE_BATCH = 4\n"
        'CATEGORY = {0: "goods", 1: "works"}\n'
        "class Method(IntEnum):\n    tender = 0\n    tender_cepat = 1\n"
        'EVENTS = {"PaymentAuthorized": "authorized", "PaymentSettled": "settled", "X": "failed"}\n'
        'FINE = ("settled", "failed")\n'
        "COUNTS = {0: 97, 1: 3}\n"
        'ORDER = ["open", "none", "failed"]\n'
        "DAY = 86400\n"
        "NOT_A_WORD = 3\n"
    )
    assert hand_typed_copies(sample, "sample", lists_too=True) == [
        "sample:1: a list of ITenders.TenderStatus",
        "sample:2: a list of IWelfarePrograms.Reason",
        "sample:3: a list of IMilestoneEscrow.DisputeKind",
        "sample:4: constants unpacked from range()",
        "sample:5: OPEN = 1, a member's code",
        "sample:6: P_WELFARE_BATCH = 4, a member's code",
        "sample:7: a mapping keyed by codes",
        "sample:8: an Enum class of an enum's words",
        "sample:11: a list of IPayments.PaymentStatus",
    ]


def test_no_python_code_copies_an_enum():
    found = [
        copy
        for path in _python_files(ALL_PYTHON)
        for copy in hand_typed_copies(
            path.read_text(encoding="utf-8"), relative(path), lists_too=relative(path).split("/")[0] in CODE
        )
    ]
    assert not found, "derive these from app.protocol.vocabulary:\n" + "\n".join(found)


# -- mappings keyed by words, and event names typed by hand ---------------------------------------
def test_mappings_keyed_by_vocabulary_words_name_real_states():
    from app.escrows import views as escrow_views
    from app.explorer import i18n, queries
    from app.instructions.routes import Status
    from app.ocds import releases

    def words(name: str) -> set[str]:
        return set(vocabulary.enum(name).words)

    total = {
        "ITenders.Category": [releases.MAIN_PROCUREMENT_CATEGORY],
        "ITenders.Method": [releases.METHOD_DETAILS],
        "ITenders.EvaluationMethod": [releases.AWARD_CRITERIA, releases.CRITERIA_DETAILS],
        "IMilestoneEscrow.PaymentKind": [escrow_views.PAYMENT_KINDS],
    }
    for name, mappings in total.items():
        for mapping in mappings:
            assert set(mapping) == words(name), name
    partial = {
        "ITenders.TenderStatus": releases.TENDER_STATUS,
        "ITenders.BidStatus": releases.BID_STATUS,
        "ITenders.RejectReason": releases.REJECTED_BID_STATUS,
        "IMilestoneEscrow.EscrowStatus": releases.ESCROW_STATUS,
        "IMilestoneEscrow.MilestoneStatus": releases.MILESTONE_STATUS,
    }
    for name, mapping in partial.items():
        assert set(mapping) <= words(name), name
    assert set(releases.TENDER_STATUS) == words("ITenders.TenderStatus") - {"none"}
    # The explorer labels every status a tender page can show: the API's words and its own two.
    shown = words("ITenders.TenderStatus") - {"none"} | {queries.CONTRACTED, queries.PAID}
    labelled = {key.removeprefix("status.") for key in i18n.STRINGS if key.startswith("status.")}
    assert labelled == shown
    assert [s.value for s in Status] == list(vocabulary.enum("IPayments.PaymentStatus").words[1:])


def _events(contract: str) -> dict[str, set[str]]:
    return {e["name"]: {i["name"] for i in e["inputs"]} for e in _abi(contract) if e["type"] == "event"}


def test_event_names_typed_by_hand_are_the_contracts_events():
    from app.explorer import queries
    from app.instructions import history
    from app.ocds import releases

    pairs = set(queries.STEPS) | set(releases._MAPPING)
    pairs |= {("Tenders", name) for name in queries.SUPPLIER_EVENTS}
    pairs |= {("Payments", name) for name in history.STATUS_EVENTS}
    for contract, name in sorted(pairs):
        assert name in _events(contract), f"{contract} emits no {name}"
    for (contract, name, arg), _kind in queries.DOCUMENT_ARGS.items():
        assert arg in _events(contract).get(name, set()), f"{contract}.{name} has no argument {arg}"
    every_event = {name for contract in OWN_CONTRACTS for name in _events(contract)}
    for template in sorted((ROOT / "app" / "explorer" / "templates").glob("*.html")):
        for name in re.findall(r'(?:name|event) == "(\w+)"', template.read_text(encoding="utf-8")):
            assert name in every_event, f"{relative(template)}: no contract emits {name}"
    compared = [
        (relative(path), name)
        for path in _python_files(("app",))
        for name in _event_names_compared(path.read_text(encoding="utf-8"))
    ]
    assert len(compared) > 20
    for where, name in compared:
        assert name in every_event, f"{where}: no contract emits {name}"


def _event_names_compared(source: str) -> list[str]:
    """CamelCase strings compared with an event's name (`e.name == "TenderAwarded"`,
    `ChainEvent.event.in_(("BidCommitted", ...))`)."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute):
            if node.left.attr in ("name", "event"):
                names += [c.value for c in node.comparators if isinstance(c, ast.Constant)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_":
            target = node.func.value
            if isinstance(target, ast.Attribute) and target.attr == "event" and node.args:
                names += [c.value for c in ast.walk(node.args[0]) if isinstance(c, ast.Constant)]
    return [n for n in names if isinstance(n, str) and re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*", n)]
