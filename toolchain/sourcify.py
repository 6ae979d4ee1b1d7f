"""Source verification for standard explorers (Blockscout, Otterscan via Sourcify): per deployed
contract of a manifest, the Solidity standard-JSON input that reproduces its bytecode, and the
compiler's metadata with the sources laid out as Sourcify stores them.

    python -m toolchain.sourcify [--manifest deployments/<chain>.json] [--out artifacts/verification]
                                   [--rpc-url URL] [--no-check] [--contract NAME ...]

Inputs come from the brownie build (build/contracts/<Name>.json: compiler settings, source paths)
and the sources on disk; the remappings are brownie-config.yaml's. Linked libraries are not put in
the settings (brownie links after compiling, so the deployed metadata hash was computed without
them): their addresses are listed in index.json for the explorer's library fields. Each input is
recompiled (node toolchain/solc.cjs) and its runtime code compared with the chain's (`--rpc-url`)
or, without a node, with the build artifact: a "full" match includes the metadata hash, a
"partial" one holds with the CBOR metadata tail set aside. `--no-check` writes the inputs only.

Layout of the output folder:
    index.json                                  what was exported, with match results
    standard-json/<Name>.json                   compiler input (Blockscout "Standard JSON input")
    sourcify/<chainId>/<address>/metadata.json  compiler metadata
    sourcify/<chainId>/<address>/sources/...    the sources under their source unit names
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.protocol.manifest import load_manifest
from toolchain.jsonrpc import rpc

ROOT = Path(__file__).resolve().parents[1]
SOLC = ["node", str(ROOT / "toolchain" / "solc.cjs"), "--standard-json"]
OUTPUTS = [
    "abi",
    "metadata",
    "evm.bytecode.object",
    "evm.deployedBytecode.object",
    "evm.deployedBytecode.immutableReferences",
    "evm.deployedBytecode.linkReferences",
]


class VerificationError(Exception):
    """An artifact, source or compiler problem; the message says which contract and what."""


@dataclass(frozen=True)
class Export:
    name: str
    address: str
    source_path: str
    input: dict[str, Any]
    libraries: dict[str, dict[str, str]]  # source path -> library name -> address


def remappings(root: Path = ROOT) -> list[str]:
    config = yaml.safe_load((root / "brownie-config.yaml").read_text())
    return list(config.get("compiler", {}).get("solc", {}).get("remappings", []) or [])


IMPORT = re.compile(r"""^\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']""", re.MULTILINE)


def _resolve(importer: str, target: str, remaps: list[str]) -> str:
    """The source unit name solc gives `target` imported from `importer` (relative or remapped)."""
    if target.startswith("."):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), target))
    for remap in remaps:
        prefix, _, replacement = remap.partition("=")
        if target.startswith(prefix):
            return replacement + target[len(prefix) :]
    return target


def standard_input(artifact: dict[str, Any], root: Path = ROOT) -> dict[str, Any]:
    """The standard-JSON input brownie compiled `artifact` from, with the sources it imports
    (transitively) under the source unit names brownie used."""
    compiler, remaps = artifact["compiler"], remappings(root)
    sources: dict[str, dict[str, str]] = {}
    pending = [artifact["sourcePath"], *artifact["allSourcePaths"].values()]
    while pending:
        path = pending.pop()
        if path in sources:
            continue
        file = root / path
        if not file.exists():
            raise VerificationError(f"{artifact['contractName']}: source {path} is missing; rebuild")
        content = file.read_text()
        sources[path] = {"content": content}
        pending.extend(_resolve(path, target, remaps) for target in IMPORT.findall(content))
    return {
        "language": "Solidity",
        "sources": dict(sorted(sources.items())),
        "settings": {
            "evmVersion": compiler["evm_version"],
            "optimizer": compiler["optimizer"],
            "remappings": remaps,
            "outputSelection": {"*": {"*": OUTPUTS}},
        },
    }


def exports(manifest_file: Path, root: Path = ROOT) -> list[Export]:
    manifest = load_manifest(manifest_file)
    addresses = {name: c.address for name, c in manifest.contracts.items()}
    out = []
    for name, entry in manifest.raw["contracts"].items():
        artifact_file = root / entry.get("artifact", f"build/contracts/{name}.json")
        if not artifact_file.exists():
            raise VerificationError(f"{name}: no build artifact at {artifact_file}; run `make compile`")
        artifact = json.loads(artifact_file.read_text())
        libraries = {
            path: {lib: addresses[lib] for lib in libs if lib in addresses}
            for path, libs in artifact.get("deployedLinkReferences", {}).items()
        }
        out.append(
            Export(name, entry["address"], artifact["sourcePath"], standard_input(artifact, root), libraries)
        )
    return out


def compile_input(standard: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run(SOLC, input=json.dumps(standard), capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise VerificationError(f"solc failed: {result.stderr.strip()[:500]}")
    output = json.loads(result.stdout)
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise VerificationError("solc: " + "; ".join(e["formattedMessage"] for e in errors)[:1000])
    return output


def runtime_code(output: dict[str, Any], export: Export) -> tuple[str, dict[str, Any]]:
    """The compiled runtime code of `export`, libraries linked, and its immutable references."""
    compiled = output["contracts"][export.source_path][export.name]
    deployed = compiled["evm"]["deployedBytecode"]
    code = _linked(deployed["object"], deployed.get("linkReferences", {}), export)
    return code, deployed.get("immutableReferences", {})


def _linked(code: str, link_references: dict[str, Any], export: Export) -> str:
    """`code` (hex) with each library's address written at its link references (solc's
    `{source: {library: [{start, length}]}}`), whatever placeholder the compiler left there."""
    code = code.removeprefix("0x")
    for path, libs in link_references.items():
        for lib, places in libs.items():
            address = export.libraries.get(path, {}).get(lib)
            if address is None:
                raise VerificationError(
                    f"{export.name}: library {lib} has no deployed address in the manifest"
                )
            for place in places:
                start = 2 * place["start"]
                code = code[:start] + address.lower().removeprefix("0x") + code[start + 40 :]
    return code


def _masked(code: str, immutables: dict[str, Any]) -> str:
    """`code` (hex, no 0x) with immutable slots zeroed: the deployed code holds constructor values there."""
    chars = list(code.lower().removeprefix("0x"))
    for places in immutables.values():
        for place in places:
            chars[2 * place["start"] : 2 * (place["start"] + place["length"])] = "0" * (2 * place["length"])
    return "".join(chars)


def _without_metadata(code: str) -> str:
    """Strip the CBOR metadata tail (its length is the last two bytes)."""
    if len(code) < 4:
        return code
    length = int(code[-4:], 16)
    return code[: -(2 * length + 4)] if 2 * length + 4 <= len(code) else code


def _library_guard(compiled: str, deployed: str) -> str:
    """A library's code starts with PUSH20 of its own address, zero until deployed (the guard against
    calls other than DELEGATECALL): take the deployed code's address there."""
    guard = "73" + "00" * 20
    if compiled.startswith(guard) and deployed.startswith("73"):
        return guard + deployed[len(guard) :]
    return deployed


def compare(compiled: str, immutables: dict[str, Any], deployed: str) -> str:
    """'full', 'partial' (all but the metadata hash) or 'mismatch'."""
    compiled, deployed = compiled.lower().removeprefix("0x"), deployed.lower().removeprefix("0x")
    ours, theirs = _masked(compiled, immutables), _masked(_library_guard(compiled, deployed), immutables)
    if ours == theirs:
        return "full"
    return "partial" if _without_metadata(ours) == _without_metadata(theirs) else "mismatch"


def write(out: Path, chain_id: int, export: Export, metadata: str | None) -> None:
    standard = out / "standard-json" / f"{export.name}.json"
    standard.parent.mkdir(parents=True, exist_ok=True)
    standard.write_text(json.dumps(export.input, indent=1) + "\n")
    if metadata is None:
        return
    folder = out / "sourcify" / str(chain_id) / export.address
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "metadata.json").write_text(metadata)
    for path, source in export.input["sources"].items():
        target = folder / "sources" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source["content"])


def export_all(
    manifest_file: Path,
    out: Path,
    rpc_url: str | None = None,
    check: bool = True,
    only: set[str] | None = None,
) -> list[dict]:
    """Writes the folder (for the contracts named in `only`, default all); returns index.json's entries."""
    manifest = load_manifest(manifest_file)
    compiler = manifest.raw.get("compiler", {})
    index = []
    for export in exports(manifest_file):
        if only is not None and export.name not in only:
            continue
        entry: dict[str, Any] = {
            "name": export.name,
            "address": export.address,
            "compilerVersion": "v" + compiler.get("version", ""),
            "sourcePath": export.source_path,
            "standardJson": f"standard-json/{export.name}.json",
            "libraries": {lib: a for libs in export.libraries.values() for lib, a in libs.items()},
        }
        metadata = None
        if check:
            output = compile_input(export.input)
            metadata = output["contracts"][export.source_path][export.name]["metadata"]
            code, immutables = runtime_code(output, export)
            if rpc_url:
                deployed = rpc(rpc_url, "eth_getCode", [export.address, "latest"])
                entry["checkedAgainst"] = "chain"
            else:
                artifact = json.loads((ROOT / manifest.raw["contracts"][export.name]["artifact"]).read_text())
                deployed = _linked_artifact_code(artifact, export)
                entry["checkedAgainst"] = "build artifact"
            entry["match"] = compare(code, immutables, deployed)
            entry["metadata"] = f"sourcify/{manifest.chain_id}/{export.address}/metadata.json"
        write(out, manifest.chain_id, export, metadata)
        index.append(entry)
    (out / "index.json").write_text(
        json.dumps({"chainId": manifest.chain_id, "contracts": index}, indent=2) + "\n"
    )
    return index


def _linked_artifact_code(artifact: dict[str, Any], export: Export) -> str:
    """Brownie's deployedBytecode with the libraries' addresses at its link references (the artifact
    holds solc's `__$<hash>$__` placeholders there, not the library's name)."""
    return _linked(artifact["deployedBytecode"], artifact.get("deployedLinkReferences", {}), export)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m toolchain.sourcify", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--manifest", type=Path, default=ROOT / "deployments" / "31337.json")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "verification")
    parser.add_argument("--rpc-url", help="compare with the code deployed on this node")
    parser.add_argument("--no-check", action="store_true", help="write the inputs without recompiling")
    parser.add_argument("--contract", action="append", help="only this contract (repeatable)")
    args = parser.parse_args(argv)
    try:
        only = set(args.contract) if args.contract else None
        index = export_all(args.manifest, args.out, args.rpc_url, check=not args.no_check, only=only)
    except (VerificationError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for entry in index:
        print(f"{entry['name']:<20} {entry['address']}  {entry.get('match', 'not checked')}")
    mismatched = [e["name"] for e in index if e.get("match") == "mismatch"]
    if mismatched:
        print(
            f"error: recompiled code differs from the deployed code: {', '.join(mismatched)}", file=sys.stderr
        )
        return 1
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
