"""The installable package: `make wheel` (python -m toolchain.package [--dest dist]).

Builds dist/terang-<version>-py3-none-any.whl from a clean copy of the sources (app/, pyproject.toml,
README.md: the build writes nothing into the checkout, whose build/ is brownie's), installs it into a
throw-away virtual environment with the versions of requirements/gateway.lock, and writes the
software bill of materials of that environment (CycloneDX JSON, cyclonedx-py) beside the wheel:
dist/terang-<version>.cdx.json. Installing needs the package registry (or a mirror); nothing else
does. Decision 0035; tests/ops/test_package.py."""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "gateway.lock"
SOURCES = ("app", "pyproject.toml", "README.md")


def version() -> str:
    return re.search(r'(?m)^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)


def build_wheel(dest: Path) -> Path:
    """The wheel of the sources as they are in the checkout, in `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="terang-src-") as tmp:
        source = Path(tmp) / "terang"
        source.mkdir()
        skip = shutil.ignore_patterns("__pycache__", "*.pyc")
        for name in SOURCES:
            path = ROOT / name
            if path.is_dir():
                shutil.copytree(path, source / name, ignore=skip)
            else:
                shutil.copy2(path, source / name)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet", "-w", str(dest)],
            check=True,
        )
    wheel = dest / f"terang-{version()}-py3-none-any.whl"
    if not wheel.is_file():
        raise SystemExit(f"error: the build made no {wheel.name}")
    return wheel


def requirement(wheel: Path, folder: Path) -> Path:
    """A requirements file naming the wheel by its sha256: with the lock as constraints, pip then runs
    in --require-hashes mode and checks every dependency's file against the lock's hashes."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    path = folder / "terang.txt"
    path.write_text(f"terang @ {wheel.resolve().as_uri()} --hash=sha256:{digest}\n")
    return path


def install(wheel: Path, environment: Path, lock: Path = LOCK) -> Path:
    """A new virtual environment with the wheel and its dependencies at the lock's versions, every
    file checked against its hash: a current pip applies a constraints file's hashes (26.3 does;
    23.2, bundled with Python 3.11, refuses), hence upgrade_deps. Its python."""
    venv.EnvBuilder(with_pip=True, clear=True, upgrade_deps=True).create(environment)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-r", str(requirement(wheel, environment))]
        + ["-c", str(lock)],
        check=True,
    )
    return python


def sbom(python: Path, output: Path) -> Path:
    """The CycloneDX bill of materials of the environment `python` runs in (the installed wheel and
    every dependency, with versions), the package itself as its root component."""
    subprocess.run(
        [
            str(Path(sys.executable).with_name("cyclonedx-py")),
            "environment",
            "--pyproject",
            str(ROOT / "pyproject.toml"),
            "--mc-type",
            "application",
            "--output-reproducible",
            "--of",
            "JSON",
            "-o",
            str(output),
            str(python),
        ],
        check=True,
    )
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolchain.package", description=__doc__)
    parser.add_argument("--dest", type=Path, default=ROOT / "dist", help="where to write the wheel and SBOM")
    args = parser.parse_args(argv)
    wheel = build_wheel(args.dest)
    with tempfile.TemporaryDirectory(prefix="terang-sbom-") as tmp:
        python = install(wheel, Path(tmp) / "venv")
        bom = sbom(python, args.dest / f"terang-{version()}.cdx.json")
    print(f"{wheel.relative_to(ROOT) if wheel.is_relative_to(ROOT) else wheel}")
    print(f"{bom.relative_to(ROOT) if bom.is_relative_to(ROOT) else bom}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
