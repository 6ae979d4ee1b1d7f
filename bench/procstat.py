"""Resident memory and CPU time of running processes, from /proc (Linux)."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mib(pid: int | str = "self") -> float:
    """A process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec, so a
    child started by a large parent reports its own peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def busy_cpu_seconds() -> float:
    """CPU time all processes of the machine have spent busy (not idle, not waiting for I/O)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / TICKS


def pid_listening_as(executable: str, port: int) -> int | None:
    """The pid of a process started as `executable ... --port <port>` (e.g. a test's anvil)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            named = argv and argv[0].endswith(executable.encode()) and b"--port" in argv
            if named and argv[argv.index(b"--port") + 1] == str(port).encode():
                return int(entry.name)
    return None


class RssSampler:
    """Samples the resident memory of some processes every `interval` seconds in a thread; each
    sample is tagged with the current phase."""

    def __init__(self, pids: dict[str, int], interval: float = 0.25) -> None:
        self.pids = pids
        self.interval = interval
        self.phase = "start"
        self.samples: list[tuple[str, str, float]] = []  # (phase, process, MiB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                with contextlib.suppress(OSError):
                    self.samples.append((self.phase, name, rss_mib(pid)))
            self._stop.wait(self.interval)

    def peak(self, process: str, phase: str | None = None) -> float:
        values = [m for p, n, m in self.samples if n == process and (phase is None or p == phase)]
        return max(values) if values else float("nan")
