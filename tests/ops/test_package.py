"""The gateway as an operator installs it (docs/guides/install.en.md and .id.md): the wheel built from
the sources (toolchain/package.py, `make wheel`), installed into a new virtual environment outside the
checkout with every dependency checked against requirements/gateway.lock's hashes, then used from a
temporary folder that is not the checkout: `terang --help`, `terang db upgrade` on a fresh SQLite
file, `terang check` and `terang gateway` against a suite deployed on a real local chain. Every ```sh
block of the English guide runs, in order, with only the environment the guide documents.

Afterwards: the gateway answers /health, the explorer's and the portal's pages and their static files
(the templates, static files and vendored libraries came with the wheel, and every file app/ holds is
in it); every `--help` of the `terang` command prints help and touches nothing (no database, no
folder); the software bill of materials of the installed environment names each of the wheel's
dependencies at the lock's version. Needs the package registry (as `make setup` does)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.localchain import ROOT, anvil, deploy_local
from toolchain import package
from toolchain.run_local import free_port

ENGLISH, INDONESIAN = GUIDES / "install.en.md", GUIDES / "install.id.md"
LOCK = ROOT / "requirements" / "gateway.lock"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.M)


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) == 3


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


def test_python_m_app_db_migrate_help_prints_help_and_migrates_nothing(tmp_path):
    database = tmp_path / "never.db"
    ran = subprocess.run(
        [sys.executable, "-m", "app.db.migrate", "--help"],
        cwd=ROOT,
        env={**os.environ, "TERANG_DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("usage: python -m app.db.migrate")
    assert not database.exists()


def test_alembic_with_the_repositorys_alembic_ini_migrates_terang_database_url(tmp_path):
    database = tmp_path / "operator.db"
    alembic = Path(sys.executable).with_name("alembic")
    env = {**os.environ, "TERANG_DATABASE_URL": f"sqlite:///{database}"}
    for command in (["upgrade", "head"], ["current"]):
        ran = subprocess.run(
            [str(alembic), "-c", str(ROOT / "alembic.ini"), *command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.strip().endswith("(head)")
    assert database.is_file()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    missing = [tool for tool in ("bash", "jq", "curl", "sha256sum") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages)")
    folder = tmp_path_factory.mktemp("install")
    started = time.monotonic()
    wheel = package.build_wheel(folder / "dist")
    state, prefix = folder / "state", folder / "terang"
    with anvil() as url:
        result = deploy_local(url, folder / "deployments")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        port = free_port()
        environment = {
            "WHEEL": str(wheel),
            "LOCK": str(LOCK),
            "PREFIX": str(prefix),
            "STATE_DIR": str(state),
            "MANIFEST": str(folder / "deployments" / "31337.json"),
            "TERANG_RPC_URL": url,
            "PORT": str(port),
        }
        try:
            ran = run_guide(ENGLISH, environment, folder, timeout=600)
            print(f"wheel built, installed and serving in {time.monotonic() - started:.1f} s")
            yield {
                "base": f"http://127.0.0.1:{port}",
                "wheel": wheel,
                "prefix": prefix,
                "state": state,
                "stdout": ran.stdout,
                "folder": folder,
            }
        finally:
            _stop(state / "gateway.pid")


def _stop(pid_file: Path) -> None:
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def test_the_wheel_holds_every_file_the_gateway_reads(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    sources = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "app").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert sources - names == set()
    for kind in (
        "templates/",
        "static/vendor/",
        "ocds/schema/",
        "db/migrations/versions/",
        "vocabulary.json",
    ):
        assert any(kind in name for name in names), kind


def test_terang_runs_from_the_installation_not_from_the_checkout(installed):
    python = installed["prefix"] / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import app; print(app.__file__)"],
        cwd=installed["state"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed["prefix"])
    assert not Path(where).is_relative_to(ROOT)
    assert "Usage: terang" in installed["stdout"]  # step 1's `terang --help`


def test_terang_db_upgrade_migrated_a_fresh_sqlite_file_in_the_working_folder(installed):
    assert (installed["state"] / "var" / "terang.db").is_file()
    assert re.search(r"^\S+ \(head\)$", installed["stdout"], re.M)  # step 2's `terang db current`


def test_the_installed_gateway_serves_its_pages_and_static_files(installed):
    base = installed["base"]
    health = httpx.get(f"{base}/health", timeout=10)
    assert (health.status_code, health.json()["status"], health.json()["chainId"]) == (200, "ok", 31337)
    for page, marker in (("/explorer/", "<html"), ("/portal/", "<html")):
        answer = httpx.get(base + page, timeout=10)
        assert answer.status_code == 200, page
        assert answer.headers["content-type"].startswith("text/html") and marker in answer.text, page
    for static in (
        "/explorer/static/style.css",
        "/explorer/static/vendor/noble-hashes/sha3.js",
        "/portal/static/portal.css",
        "/portal/static/vendor/noble-curves/secp256k1.js",
    ):
        answer = httpx.get(base + static, timeout=10)
        assert answer.status_code == 200 and answer.content, static


# Run inside the installed environment: every command and group of the typer app, found by walking
# it (a new subcommand is covered without a change here), plus the argparse subcommands the
# pass-through commands hand on; each with --help.
HELP_SCRIPT = r"""
import json, sys
import typer.main
from typer.testing import CliRunner
from app.cli.main import app

def paths(command, prefix=()):
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():  # a group's subcommands
        yield from paths(sub, prefix + (name,))

root = typer.main.get_command(app)
keyring = [["keyring", name] for name in ("init", "status", "rotate", "retire")]
every = [list(p) for p in paths(root)] + keyring
runner, out = CliRunner(), []
for path in every:
    result = runner.invoke(app, path + ["--help"])
    out.append({"path": path, "code": result.exit_code, "output": result.output[:400]})
print(json.dumps(out))
"""


def test_every_help_of_the_terang_command_prints_help_and_touches_nothing(installed, tmp_path):
    empty = tmp_path / "here"
    empty.mkdir()
    database = tmp_path / "never.db"
    ran = subprocess.run(
        [str(installed["prefix"] / "bin" / "python"), "-c", HELP_SCRIPT],
        cwd=empty,
        env={
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "TERANG_DATABASE_URL": f"sqlite:///{database}",
            "TERANG_KEYRING_FILE": str(tmp_path / "never-keyring.json"),
            "COLUMNS": "100",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    results = json.loads(ran.stdout)
    covered = {" ".join(r["path"]) for r in results}
    for command in ("gateway", "indexer", "bridge", "reconcile", "check", "db upgrade", "db current"):
        assert command in covered
    for command in ("db history", "welfare import", "welfare exits", "welfare bulk-disburse", "keyring init"):
        assert command in covered
    for result in results:
        assert result["code"] == 0, result
        assert "usage" in result["output"].lower(), result
    assert list(empty.iterdir()) == []
    assert list(tmp_path.iterdir()) == [empty]  # no database, no keyring file


def test_the_bill_of_materials_names_the_wheels_dependencies_at_the_locked_versions(installed):
    bom = package.sbom(installed["prefix"] / "bin" / "python", installed["folder"] / "terang.cdx.json")
    document = json.loads(bom.read_text())
    assert document["bomFormat"] == "CycloneDX"
    root = document["metadata"]["component"]
    assert (root["name"], root["version"]) == ("terang", package.version())
    listed = {_name(c["name"]): c.get("version") for c in document["components"]}
    locked = {_name(name): version for name, version in PIN.findall(LOCK.read_text())}
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        metadata = wheel.read(f"terang-{package.version()}.dist-info/METADATA").decode()
    required = [
        _name(re.split(r"[\s\[<>=!~;(]", line.split(":", 1)[1].strip(), maxsplit=1)[0])
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert "fastapi" in required and "typer" in required
    for name in required:
        assert listed.get(name) == locked[name], name


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
