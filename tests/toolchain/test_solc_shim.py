"""The offline `solc` (toolchain/solc.cjs on npm's solc-js) behaves like the native compiler for
the callers that matter: py-solc-x's version probe, brownie's standard-JSON compile, file mode."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.support.localchain import ROOT

SHIM = ROOT / "toolchain" / "solc.cjs"
LAUNCHER = ROOT / ".solcx" / "solc-v0.8.28"


def solc(*args: str, stdin: str | None = None, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(SHIM), *args], input=stdin, capture_output=True, text=True, cwd=cwd)


def test_version_line_is_what_py_solc_x_parses():
    out = solc("--version").stdout
    # py-solc-x's own pattern
    match = re.search(r"(\d+\.\d+\.\d+)(\+commit.\w+)", out)
    assert match and match.group(1) == "0.8.28" and match.group(2) == "+commit.7893614a"


def test_registered_launcher_runs_the_shim():
    assert LAUNCHER.exists(), "make setup registers the launcher"
    out = subprocess.run([str(LAUNCHER), "--version"], capture_output=True, text=True).stdout
    assert "Version: 0.8.28+commit.7893614a" in out


def big_contract(functions: int) -> str:
    body = "\n".join(
        f"    function f{i}(uint256 a, uint256 b) external pure returns (uint256) {{ return a * {i} + b; }}"
        for i in range(functions)
    )
    return f"// SPDX-License-Identifier: MIT\npragma solidity 0.8.28;\ncontract Big {{\n{body}\n}}\n"


def test_large_standard_json_output_is_complete_through_a_pipe():
    """A piped process.stdout.write followed by exit truncated at 64 KiB; the shim writes synchronously."""
    request = {
        "language": "Solidity",
        "sources": {"Big.sol": {"content": big_contract(400)}},
        "settings": {"outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode"]}}},
    }
    result = solc("--standard-json", stdin=json.dumps(request))
    assert result.returncode == 0
    assert len(result.stdout) > 512 * 1024
    output = json.loads(result.stdout)  # would raise on a truncated document
    assert len(output["contracts"]["Big.sol"]["Big"]["abi"]) == 400


def test_standard_json_reports_compile_errors_inside_the_json_with_exit_0():
    request = {
        "language": "Solidity",
        "sources": {"Bad.sol": {"content": "contract Bad { function f( }"}},
        "settings": {"outputSelection": {"*": {"*": ["abi"]}}},
    }
    result = solc("--standard-json", stdin=json.dumps(request))
    assert result.returncode == 0
    errors = json.loads(result.stdout)["errors"]
    assert errors[0]["severity"] == "error" and errors[0]["type"] == "ParserError"


def test_file_mode_compile_error_exits_1_with_the_diagnostic(tmp_path):
    source = tmp_path / "Bad.sol"
    source.write_text("pragma solidity 0.8.28;\ncontract Bad { uint x = ; }\n")
    result = solc("--bin", str(source))
    assert result.returncode == 1
    assert "ParserError" in result.stderr


def test_file_mode_combined_json_for_slither_and_crytic_compile(tmp_path):
    source = tmp_path / "Ok.sol"
    source.write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.28;\ncontract Ok { uint public x; }\n"
    )
    result = solc("--combined-json", "abi,bin,bin-runtime,srcmap,srcmap-runtime,hashes,ast", str(source))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    entry = out["contracts"][f"{source}:Ok"]
    assert entry["bin"] and entry["bin-runtime"] and entry["hashes"] == {"x()": "0c55699c"}
    assert out["sources"][str(source)]["AST"]["nodeType"] == "SourceUnit"


def test_imports_outside_allowed_paths_are_refused(tmp_path):
    secret = tmp_path / "outside" / "Secret.sol"
    secret.parent.mkdir()
    secret.write_text("pragma solidity 0.8.28; contract Secret {}")
    project = tmp_path / "project"
    project.mkdir()
    request = {
        "language": "Solidity",
        "sources": {"Main.sol": {"content": f'pragma solidity 0.8.28; import "{secret}"; contract M {{}}'}},
        "settings": {"outputSelection": {"*": {"*": ["abi"]}}},
    }
    refused = json.loads(solc("--standard-json", stdin=json.dumps(request), cwd=project).stdout)
    assert any("outside of allowed directories" in e["message"] for e in refused["errors"])
    allowed = json.loads(
        solc(
            "--standard-json", "--allow-paths", str(secret.parent), stdin=json.dumps(request), cwd=project
        ).stdout
    )
    assert not [e for e in allowed.get("errors", []) if e["severity"] == "error"]


@pytest.mark.parametrize("args", [["--bogus"], ["--bin"], []])
def test_usage_mistakes_exit_1_with_one_error_line(args):
    result = solc(*args)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
    assert "at " not in result.stderr.splitlines()[0]  # no stack trace
