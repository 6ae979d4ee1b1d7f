"""Build step of deploy/containers/Dockerfile: uninstall every package of the virtual environment
that the named distribution does not need at run time (its Requires-Dist, without extras, followed
transitively, markers evaluated here). The lock pins the test tools too; the image carries none.

    python prune_to_runtime.py terang
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

KEEP = {"pip", "setuptools", "wheel"}


def runtime_closure(root: str) -> set[str]:
    """The canonical names of `root` and of everything it requires, transitively."""
    needed: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    pending: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while pending:
        name, extras = pending.pop()
        if (canonicalize_name(name), extras) in seen:
            continue
        seen.add((canonicalize_name(name), extras))
        needed.add(canonicalize_name(name))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed: `pip check` after the prune names it
        for text in requires:
            requirement = Requirement(text)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker is None or any(requirement.marker.evaluate(e) for e in environments):
                pending.append((requirement.name, frozenset(requirement.extras)))
    return needed


def main(root: str) -> int:
    needed = runtime_closure(root) | KEEP
    installed = {canonicalize_name(d.metadata["Name"]) for d in metadata.distributions()}
    extra = sorted(installed - needed)
    if extra:
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", *extra], check=True)
    print(f"kept {len(installed) - len(extra)} packages, removed {len(extra)}: {', '.join(extra)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
