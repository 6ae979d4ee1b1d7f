"""Register the offline `solc` (toolchain/solc.cjs on npm's solc-js) with py-solc-x.

py-solc-x looks for `solc-v<version>` executables in SOLCX_BINARY_PATH (the Makefile points it at
the repo's `.solcx/`) or, when that is unset, in `~/.solcx/`. Both get a launcher, so `make` targets
and a plain `brownie compile` find the same compiler. The version is read from the installed npm
package and must equal the one pinned in brownie-config.yaml.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIM = ROOT / "toolchain" / "solc.cjs"
MARKER = "# terang offline solc launcher"


def installed_solcjs_version() -> str:
    package = ROOT / "node_modules" / "solc" / "package.json"
    if not package.exists():
        raise SystemExit("solc-js is not installed: run `npm ci` (or `make setup`) first")
    return json.loads(package.read_text())["version"]


def configured_version() -> str:
    text = (ROOT / "brownie-config.yaml").read_text()
    match = re.search(r"^\s+version:\s*([0-9.]+)\s*$", text, re.MULTILINE)
    if not match:
        raise SystemExit("brownie-config.yaml does not pin compiler.solc.version")
    return match.group(1)


def launcher_text() -> str:
    return f'#!/bin/sh\n{MARKER}\nexec node "{SHIM}" "$@"\n'


def write_launcher(folder: Path, version: str, overwrite_foreign: bool) -> Path | None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"solc-v{version}"
    if target.exists() and MARKER not in target.read_text(errors="replace") and not overwrite_foreign:
        return None  # a real native solc of the same version is as good as ours: leave it alone
    if not target.exists() or target.read_text(errors="replace") != launcher_text():
        target.write_text(launcher_text())
    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return target


def main() -> int:
    version = installed_solcjs_version()
    wanted = configured_version()
    if version != wanted:
        print(
            f"error: npm solc is {version} but brownie-config.yaml pins {wanted}; "
            "make them equal (package.json and compiler.solc.version)",
            file=sys.stderr,
        )
        return 1
    repo_dir = Path(os.environ.get("SOLCX_BINARY_PATH") or ROOT / ".solcx")
    write_launcher(repo_dir, version, overwrite_foreign=True)
    write_launcher(Path.home() / ".solcx", version, overwrite_foreign=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
