"""`make audit` (toolchain/audit.py): a known vulnerability of a locked dependency fails unless
docs/security/dependency-audit.md explains it; an audit that could not be done says so and is never
reported as clean (pip-audit prints "No known vulnerabilities found" when PyPI knows none of the
packages, its JSON then skipping every one); it fails only with TERANG_AUDIT_REQUIRED=1.

The documents below have the shapes pip-audit 2.10 and npm 10 write (the 404 and 405 ones as they
answered on a machine without the advisory services); the last test runs the real tools."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.localchain import ROOT
from toolchain import audit

SKIPPED_BY_404 = {
    "dependencies": [
        {
            "name": "requests",
            "skip_reason": "Dependency not found on PyPI and could not be audited: requests (2.34.2)",
        },
        {
            "name": "urllib3",
            "skip_reason": "Dependency not found on PyPI and could not be audited: urllib3 (2.8.0)",
        },
    ],
    "fixes": [],
}
ONE_FINDING = {
    "dependencies": [
        {"name": "requests", "version": "2.34.2", "vulns": []},
        {
            "name": "Jinja2",
            "version": "3.1.2",
            "vulns": [{"id": "PYSEC-2024-1", "fix_versions": ["3.1.3"], "aliases": ["GHSA-h5c8-rqwp-cp95"]}],
        },
    ],
    "fixes": [],
}
NPM_405 = {
    "message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
    "statusCode": 405,
    "error": {"summary": "", "detail": ""},
}
NPM_FINDING = {
    "auditReportVersion": 2,
    "vulnerabilities": {
        "ganache": {"name": "ganache", "severity": "high", "via": ["keccak"]},
        "keccak": {
            "name": "keccak",
            "severity": "high",
            "via": [
                {
                    "source": 1,
                    "title": "t",
                    "url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
                    "range": "<3",
                }
            ],
        },
    },
}


def test_every_package_skipped_by_pypi_is_an_audit_not_done_never_a_clean_one():
    outcome = audit.read_pip_audit("gateway.lock", SKIPPED_BY_404)
    assert outcome.findings == []
    assert outcome.not_done.startswith("2 of 2 packages not audited (Dependency not found on PyPI")
    status, lines = audit.verdict([outcome], {}, required=False)
    assert status == 0
    assert lines == [f"AUDIT NOT DONE gateway.lock (pip-audit): {outcome.not_done}"]
    assert not any(line.startswith("ok") for line in lines)


def test_an_audit_not_done_fails_where_the_audit_is_required():
    outcome = audit.read_npm_audit(NPM_405)
    assert outcome.not_done == "the registry's advisory service answered " + NPM_405["message"]
    assert audit.verdict([outcome], {}, required=True)[0] == 1
    assert audit.verdict([outcome], {}, required=False)[0] == 0


def test_a_known_vulnerability_fails_until_the_allow_list_explains_it_by_any_of_its_ids(tmp_path):
    outcome = audit.read_pip_audit("gateway.lock", ONE_FINDING)
    assert outcome.not_done is None
    status, lines = audit.verdict([outcome], {}, required=False)
    assert status == 1
    assert lines[0] == "FAILED gateway.lock (pip-audit): 1 known vulnerabilities not explained"
    assert lines[1].startswith("  PYSEC-2024-1 Jinja2 3.1.2")

    allow = tmp_path / "allow.md"
    allow.write_text(
        "| advisory | package | why |\n| --- | --- | --- |\n"
        "| GHSA-h5c8-rqwp-cp95 | jinja2 | the sandbox is never used: templates are our own files |\n"
    )
    status, lines = audit.verdict([outcome], audit.allow_list(allow), required=False)
    assert status == 0
    assert lines == ["ok gateway.lock (pip-audit): no known vulnerability (1 explained in the allow-list)"]

    other_package = tmp_path / "other.md"
    other_package.write_text("| GHSA-h5c8-rqwp-cp95 | markupsafe | the advisory is another package's |\n")
    assert audit.verdict([outcome], audit.allow_list(other_package), required=False)[0] == 1


def test_an_allow_list_row_without_a_written_reason_is_refused(tmp_path):
    allow = tmp_path / "allow.md"
    allow.write_text("| PYSEC-2024-1 | jinja2 | later |\n")
    with pytest.raises(SystemExit, match="PYSEC-2024-1 has no written reason"):
        audit.allow_list(allow)


def test_npm_advisories_are_findings_by_their_ghsa_id():
    outcome = audit.read_npm_audit(NPM_FINDING)
    assert [(f.advisory, f.package) for f in outcome.findings] == [("GHSA-aaaa-bbbb-cccc", "keccak")]
    assert audit.verdict([outcome], {}, required=False)[0] == 1


def test_the_repository_allow_list_reads():
    assert isinstance(audit.allow_list(), dict)


def test_make_audit_reports_each_lock_and_the_npm_lock_honestly(tmp_path):
    report = tmp_path / "audit.txt"
    env = {key: value for key, value in os.environ.items() if key != "TERANG_AUDIT_REQUIRED"}
    ran = subprocess.run(
        [sys.executable, "-m", "toolchain.audit", "--report", str(report)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = report.read_text().splitlines()
    assert ran.stdout.splitlines() == lines
    for source in ("gateway.lock (pip-audit)", "contracts.lock (pip-audit)", "package-lock.json (npm audit)"):
        verdicts = [line.split(" ", 1)[0] for line in lines if f" {source}:" in line]
        assert len(verdicts) >= 1, source
        assert set(verdicts) <= {"ok", "FAILED", "AUDIT"}, source
    failed = any(line.startswith("FAILED") for line in lines)
    assert ran.returncode == (1 if failed else 0), ran.stderr[-2000:]
