"""`python -m app.redflags`: results on stdout; user mistakes as one line on stderr, exit status 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.redflags.__main__ import main

REPO_ROOT = Path(__file__).resolve().parents[2]
SINGLE_BID = {"ocid": "ocds-1", "tender": {"procurementMethod": "open", "numberOfTenderers": 1}}


@pytest.fixture
def releases(tmp_path):
    path = tmp_path / "releases.jsonl"
    path.write_text(json.dumps(SINGLE_BID) + "\n\n")
    return path


@pytest.fixture
def settings(tmp_path):
    path = tmp_path / "settings.ini"
    path.write_text("[R018]\n")
    return path


def run(capsys, *argv):
    """(exit status, stdout, stderr) of the CLI run in this process."""
    try:
        status = main([str(arg) for arg in argv])
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(status, out, err, fragment):
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("python -m app.redflags: error: ")
    assert fragment in err
    assert "Traceback" not in err


def test_prints_results_in_cardinals_shape(capsys, releases, settings):
    status, out, err = run(capsys, releases, "--settings", settings)
    assert (status, err) == (0, "")
    assert json.loads(out) == {"OCID": {"ocds-1": {"R018": 1.0}}}


def test_without_settings_every_indicator_runs_with_defaults(capsys, releases):
    status, out, _ = run(capsys, releases)
    assert status == 0
    assert json.loads(out) == {"OCID": {"ocds-1": {"R018": 1.0}}}


def test_nothing_flagged_prints_an_empty_object(capsys, tmp_path, settings):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert run(capsys, empty, "--settings", settings) == (0, "{}\n", "")


def test_missing_file(capsys, tmp_path):
    assert_one_line_error(
        *run(capsys, tmp_path / "missing.jsonl"), "missing.jsonl: No such file or directory"
    )


def test_directory_instead_of_file(capsys, tmp_path):
    assert_one_line_error(*run(capsys, tmp_path), "Is a directory")


def test_invalid_json_names_its_line(capsys, tmp_path, settings):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(SINGLE_BID) + "\n" + '{"ocid": "ocds-2",\n')
    assert_one_line_error(
        *run(capsys, path, "--settings", settings), "broken.jsonl: line 2 is not valid JSON"
    )


def test_nan_is_not_json(capsys, tmp_path, settings):
    path = tmp_path / "nan.jsonl"
    path.write_text('{"ocid": "x", "tender": {"value": {"amount": NaN}}}\n')
    assert_one_line_error(*run(capsys, path, "--settings", settings), "line 1 is not valid JSON")


def test_invalid_utf8_names_its_line(capsys, tmp_path, settings):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"ocid": "caf\xe9"}\n')
    assert_one_line_error(*run(capsys, path, "--settings", settings), "line 1 is not valid UTF-8")


def test_bad_settings_value(capsys, releases, tmp_path):
    bad = tmp_path / "bad.ini"
    bad.write_text("[R003]\nthreshold = 1.5\n")
    assert_one_line_error(*run(capsys, releases, "--settings", bad), "bad.ini:2: [R003] threshold = '1.5'")


def test_missing_settings_file(capsys, releases, tmp_path):
    assert_one_line_error(
        *run(capsys, releases, "--settings", tmp_path / "none.ini"), "none.ini: No such file"
    )


def test_missing_argument(capsys):
    assert_one_line_error(*run(capsys), "the following arguments are required: file")


def test_reads_standard_input_as_a_module(settings):
    completed = subprocess.run(
        [sys.executable, "-m", "app.redflags", "-", "--settings", str(settings)],
        input=json.dumps(SINGLE_BID) + "\n",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    assert json.loads(completed.stdout) == {"OCID": {"ocds-1": {"R018": 1.0}}}


def test_module_exits_2_without_traceback(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "app.redflags", str(tmp_path / "missing.jsonl")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1 and "Traceback" not in completed.stderr
