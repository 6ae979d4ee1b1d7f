"""Every Cardinal fixture (../shared/peer/cardinal) reproduces Cardinal's expected output exactly,
run with the settings Cardinal's own test suite uses for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.redflags import evaluate, read_settings
from app.redflags.__main__ import read_releases

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = (REPO_ROOT / ".." / "shared" / "peer" / "cardinal").resolve()
NAMES = sorted(path.stem for path in FIXTURES.glob("*.jsonl")) if FIXTURES.is_dir() else []


def test_fixtures_are_present():
    if not FIXTURES.is_dir():
        pytest.skip(f"Cardinal fixtures not found at {FIXTURES} (peer data checked out next to the repo)")
    assert NAMES, f"no *.jsonl fixtures in {FIXTURES}"


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_cardinal(name):
    settings = read_settings(FIXTURES / "settings" / f"{name}.ini")
    with (FIXTURES / f"{name}.jsonl").open("rb") as stream:
        results = evaluate(read_releases(stream, name), settings)

    expected = json.loads((FIXTURES / f"{name}.expected").read_text())
    # Compare parsed JSON through the printed form, so that serialization is covered too.
    assert json.loads(results.to_json()) == expected
