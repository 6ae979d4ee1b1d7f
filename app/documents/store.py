"""Where document files live: addressed by their keccak-256, the hash the contracts record.

A file is hashed as it is received, in chunks, and kept under its own hash; nobody names the hash
for it. The same bytes uploaded twice are one file. A file is written to a temporary name and moved
into place when complete, so a reader never sees half a file and an interrupted upload leaves
nothing under a hash.

`LocalDocumentStore` keeps files in a directory (one gateway, or a directory every gateway mounts).
Another store (an S3-compatible bucket) implements the same three methods.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Protocol

from Crypto.Hash import keccak


class Intake:
    """A file being received: written to a temporary file and hashed as it arrives."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix="incoming-", dir=folder)
        self.path = Path(name)
        self._file = os.fdopen(handle, "wb")
        self._hash = keccak.new(digest_bits=256)
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def digest(self) -> str:
        return "0x" + self._hash.hexdigest()

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()

    def discard(self) -> None:
        self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def keccak_of(path: Path, chunk: int = 1 << 20) -> str:
    """The keccak-256 of a file, read in chunks."""
    digest = keccak.new(digest_bits=256)
    with path.open("rb") as file:
        while block := file.read(chunk):
            digest.update(block)
    return "0x" + digest.hexdigest()


class HashCheck:
    """Whether a stored file still hashes to its name, remembered per file state: a file is hashed
    again only when its size, inode, modification or change time differ (a rewrite in place moves
    the change time, which no one can set back without the system clock). Bounded: the oldest
    results are forgotten first."""

    def __init__(self, entries: int = 10_000) -> None:
        self.entries = entries
        self._seen: dict[tuple, bool] = {}
        self._lock = threading.Lock()

    def holds(self, path: Path, digest: str) -> bool:
        stat = path.stat()
        state = (str(path), digest, stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns)
        with self._lock:
            known = self._seen.get(state)
        if known is not None:
            return known
        holds = keccak_of(path) == digest
        with self._lock:
            if len(self._seen) >= self.entries:
                self._seen.pop(next(iter(self._seen)))
            self._seen[state] = holds
        return holds


class DocumentStore(Protocol):
    def intake(self) -> Intake: ...

    def keep(self, intake: Intake) -> str:
        """Moves a complete intake under its hash (or drops it if that file is already kept)."""
        ...

    def path(self, digest: str) -> Path | None:
        """The kept file of `digest`, or None. Whoever serves it checks its bytes still hash to
        `digest` (keccak_of): a store is a folder or a bucket its operators can write to."""
        ...


class LocalDocumentStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _place(self, digest: str) -> Path:
        name = digest.lower().removeprefix("0x")
        return self.root / name[:2] / name

    def intake(self) -> Intake:
        return Intake(self.root / "incoming")

    def keep(self, intake: Intake) -> str:
        intake.close()
        digest = intake.digest()
        place = self._place(digest)
        if place.exists():
            intake.discard()
            return digest
        place.parent.mkdir(parents=True, exist_ok=True)
        os.replace(intake.path, place)
        return digest

    def path(self, digest: str) -> Path | None:
        place = self._place(digest)
        return place if place.is_file() else None
