"""Known vulnerabilities of the locked dependencies: `make audit` (python -m toolchain.audit).

- Python: pip-audit on requirements/gateway.lock and requirements/contracts.lock (the pinned,
  hashed versions as they are, no resolution: --disable-pip), asking PyPI's advisory data.
- JavaScript: `npm audit` on package-lock.json (the npm registry's advisory endpoint).

A finding fails the audit unless docs/security/dependency-audit.md lists its advisory id and package
with a written reason. Where an advisory service cannot be asked (no route to it, or it does not
answer as one), or answers without auditing some package (pip-audit then says "No known
vulnerabilities found" and only its JSON says every package was skipped), that part of the audit is
NOT DONE: one line says so and why, the report says so, and the exit status is 0 unless
TERANG_AUDIT_REQUIRED=1 (connected CI), where it is 1. The report: reports/dependency-audit.txt.
Decision 0035."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = (ROOT / "requirements" / "gateway.lock", ROOT / "requirements" / "contracts.lock")
ALLOW_LIST = ROOT / "docs" / "security" / "dependency-audit.md"
REPORT = ROOT / "reports" / "dependency-audit.txt"
TIMEOUT = 300
# A row of the allow-list's table: | advisory id | package | reason |
ROW = re.compile(
    r"^\|\s*`?([A-Za-z0-9][A-Za-z0-9_.:-]*-[A-Za-z0-9_.:-]+)`?\s*\|\s*`?([^|`]+?)`?\s*\|(.*)\|\s*$"
)


@dataclass
class Finding:
    advisory: str
    package: str
    version: str
    aliases: tuple[str, ...] = ()

    def ids(self) -> set[str]:
        return {self.advisory, *self.aliases}


@dataclass
class Outcome:
    source: str  # "gateway.lock (pip-audit)", "package-lock.json (npm audit)"
    findings: list[Finding] = field(default_factory=list)
    not_done: str | None = None  # why this part could not be audited


def allow_list(path: Path = ALLOW_LIST) -> dict[tuple[str, str], str]:
    """(advisory id, package) -> the written reason; a row without a reason is refused."""
    allowed = {}
    if not path.is_file():
        return allowed
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = ROW.match(line)
        if match is None or set(match.group(1)) <= set("-"):
            continue
        advisory, package, reason = match.group(1), match.group(2).strip(), match.group(3).strip()
        if advisory.lower() in ("advisory", "id"):
            continue
        if len(reason) < 20:
            raise SystemExit(f"error: {path.name} line {number}: {advisory} has no written reason")
        allowed[(advisory.upper(), normalise(package))] = reason
    return allowed


def normalise(package: str) -> str:
    return re.sub(r"[-_.]+", "-", package).lower()


def unexplained(outcome: Outcome, allowed: dict[tuple[str, str], str]) -> list[Finding]:
    package_of = {(advisory, package) for advisory, package in allowed}
    return [
        finding
        for finding in outcome.findings
        if not any((i.upper(), normalise(finding.package)) in package_of for i in finding.ids())
    ]


def read_pip_audit(lock_name: str, document: dict) -> Outcome:
    """pip-audit's JSON: each dependency with its vulnerabilities, or a skip reason (not audited)."""
    outcome = Outcome(f"{lock_name} (pip-audit)")
    dependencies = document.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in dependencies:
        for vulnerability in dependency.get("vulns", []):
            outcome.findings.append(
                Finding(
                    vulnerability["id"],
                    dependency["name"],
                    dependency.get("version", "?"),
                    tuple(vulnerability.get("aliases", ())),
                )
            )
    if not dependencies:
        outcome.not_done = "pip-audit listed no dependency"
    elif skipped:
        first = skipped[0]["skip_reason"]
        outcome.not_done = f"{len(skipped)} of {len(dependencies)} packages not audited ({first})"
    return outcome


def pip_audit(lock: Path) -> Outcome:
    tool = Path(sys.executable).with_name("pip-audit")
    if not tool.exists():
        return Outcome(f"{lock.name} (pip-audit)", not_done=f"{tool} is not installed (make setup)")
    with tempfile.TemporaryDirectory(prefix="terang-audit-") as tmp:
        output = Path(tmp) / "audit.json"
        command = [
            str(tool),
            "-r",
            str(lock),
            "--disable-pip",
            "--require-hashes",
            "--progress-spinner",
            "off",
        ]
        command += ["-f", "json", "-o", str(output)]
        try:
            ran = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return Outcome(f"{lock.name} (pip-audit)", not_done=f"no answer within {TIMEOUT} s")
        if not output.is_file():
            return Outcome(f"{lock.name} (pip-audit)", not_done=last_line(ran.stderr or ran.stdout))
        return read_pip_audit(lock.name, json.loads(output.read_text()))


def read_npm_audit(document: dict) -> Outcome:
    """`npm audit --json`: the advisories per package, or the registry's refusal (statusCode)."""
    outcome = Outcome("package-lock.json (npm audit)")
    if "vulnerabilities" not in document:
        status = document.get("statusCode") or document.get("error", {}).get("code", "")
        message = document.get("message") or document.get("error", {}).get("summary") or "no report"
        answer = message if str(message).startswith(str(status)) else f"{status} {message}".strip()
        outcome.not_done = f"the registry's advisory service answered {answer}"
        return outcome
    for name, entry in document["vulnerabilities"].items():
        for via in entry.get("via", []):
            if isinstance(via, dict):  # an advisory (a string names the dependency it comes through)
                advisory = str(via.get("url", "")).rstrip("/").rsplit("/", 1)[-1] or str(via.get("source"))
                outcome.findings.append(Finding(advisory, name, str(via.get("range", "?"))))
    return outcome


def npm_audit() -> Outcome:
    npm = shutil.which("npm")
    if npm is None:
        return Outcome("package-lock.json (npm audit)", not_done="npm is not installed")
    try:
        ran = subprocess.run(
            [npm, "audit", "--json", "--package-lock-only"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return Outcome("package-lock.json (npm audit)", not_done=f"no answer within {TIMEOUT} s")
    try:
        document = json.loads(ran.stdout)
    except json.JSONDecodeError:
        return Outcome("package-lock.json (npm audit)", not_done=last_line(ran.stderr or ran.stdout))
    return read_npm_audit(document)


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def verdict(outcomes: list[Outcome], allowed: dict, required: bool) -> tuple[int, list[str]]:
    """The exit status and the report's lines (the first line of each part is what `make` prints)."""
    lines, status = [], 0
    for outcome in outcomes:
        open_findings = unexplained(outcome, allowed)
        explained = len(outcome.findings) - len(open_findings)
        if open_findings:
            status = 1
            lines.append(f"FAILED {outcome.source}: {len(open_findings)} known vulnerabilities not explained")
            lines += [
                f"  {f.advisory} {f.package} {f.version} (add it, with the reason, to "
                f"docs/security/dependency-audit.md only if it does not apply)"
                for f in open_findings
            ]
        elif outcome.not_done is None:
            lines.append(
                f"ok {outcome.source}: no known vulnerability ({explained} explained in the allow-list)"
            )
        if outcome.not_done is not None:
            status = max(status, 1 if required else 0)
            lines.append(f"AUDIT NOT DONE {outcome.source}: {outcome.not_done}")
    return status, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolchain.audit", description=__doc__)
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    allowed = allow_list()
    outcomes = [pip_audit(lock) for lock in LOCKS] + [npm_audit()]
    required = os.environ.get("TERANG_AUDIT_REQUIRED") == "1"
    status, lines = verdict(outcomes, allowed, required)
    if any(o.not_done for o in outcomes):
        lines.append(
            "the audit could not be done in full: the advisory services above did not answer; "
            + (
                "TERANG_AUDIT_REQUIRED=1: failing"
                if required
                else "not failing (TERANG_AUDIT_REQUIRED=1 fails)"
            )
        )
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
