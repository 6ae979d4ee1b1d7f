"""A PostgreSQL primary with a streaming standby from Debian's package, on free loopback ports, for
the database-failover drill (docs/runbooks/database-failover.en.md): `initdb` and `pg_ctl` for the
primary, `pg_basebackup -R` for the standby (its `standby.signal` and `primary_conninfo` written by
pg_basebackup itself), replication synchronous so that every write the primary acknowledged is on the
standby too. As root, the servers run as Debian's `postgres` user (tests/support/postgres.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.postgres import _as_server_user, postgres_bin
from toolchain.run_local import free_port


@dataclass
class Cluster:
    bindir: Path
    workdir: Path
    primary_data: Path
    primary_port: int
    standby_data: Path
    standby_port: int

    @property
    def url(self) -> str:
        """The gateway's multi-host URL: libpq tries the hosts in order and keeps the one that takes
        writes (target_session_attrs=read-write)."""
        # SQLAlchemy 2.1 with psycopg 3 takes one `host=` per server (a comma-separated list is read
        # as one host name and fails to resolve).
        hosts = f"host=127.0.0.1:{self.primary_port}&host=127.0.0.1:{self.standby_port}"
        return f"postgresql+psycopg://terang@/terang?{hosts}&target_session_attrs=read-write"

    def run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(_as_server_user([*cmd]), check=check, capture_output=True, text=True)

    def psql(self, port: int, sql: str) -> str:
        return self.run(
            str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "terang", "-d", "terang",
            "-Atc", sql,
        ).stdout.strip()  # fmt: skip

    def kill_primary(self) -> None:
        """The primary's machine is gone: an immediate stop, no checkpoint, connections cut."""
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.primary_data), "-m", "immediate", "stop")


def _ready(bindir: Path, port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while (
        subprocess.run(
            _as_server_user([str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)]),
            capture_output=True,
        ).returncode
        != 0
    ):
        if time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL on port {port} did not start")
        time.sleep(0.2)


@contextlib.contextmanager
def primary_and_standby() -> Iterator[Cluster]:
    bindir = postgres_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    workdir = Path(tempfile.mkdtemp(prefix="terang-pg-ha-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    cluster = Cluster(bindir, workdir, workdir / "primary", free_port(), workdir / "standby", free_port())

    def start(data: Path, port: int, extra: str = "") -> None:
        options = f"-p {port} -k {workdir} -h 127.0.0.1 -c max_connections=100 {extra}"
        cluster.run(
            str(bindir / "pg_ctl"), "-D", str(data), "-l", f"{data}.log", "-w", "-o", options, "start"
        )
        _ready(bindir, port)

    try:
        cluster.run(
            str(bindir / "initdb"), "-D", str(cluster.primary_data), "-U", "terang", "--auth=trust",
            "-E", "UTF8",
        )  # fmt: skip
        # Trust on loopback for replication too (a throw-away cluster).
        with (cluster.primary_data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication terang 127.0.0.1/32 trust\n")
        start(cluster.primary_data, cluster.primary_port, "-c wal_level=replica -c max_wal_senders=5")
        cluster.run(
            str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.primary_port), "-U", "terang",
            "terang",
        )  # fmt: skip
        cluster.run(
            str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(cluster.primary_port), "-U", "terang",
            "-D", str(cluster.standby_data), "-R", "-X", "stream", "-c", "fast", "-d",
            f"host=127.0.0.1 port={cluster.primary_port} user=terang application_name=standby",
        )  # fmt: skip
        start(cluster.standby_data, cluster.standby_port)
        # Synchronous commit to the standby, set on the primary only (after the standby's copy was
        # taken), so the promoted standby does not wait for a standby of its own.
        cluster.psql(cluster.primary_port, "alter system set synchronous_standby_names = 'standby'")
        cluster.psql(cluster.primary_port, "select pg_reload_conf()")
        deadline = time.monotonic() + 30
        while cluster.psql(cluster.primary_port, "select sync_state from pg_stat_replication") != "sync":
            if time.monotonic() > deadline:
                raise RuntimeError("the standby did not become a synchronous standby")
            time.sleep(0.2)
        yield cluster
    finally:
        for data in (cluster.primary_data, cluster.standby_data):
            if data.exists():
                cluster.run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(workdir, ignore_errors=True)
