"""Fail early, in one line, when the machine lacks the Python or Node.js this project needs."""

import shutil
import subprocess
import sys

PYTHON_RANGE = ((3, 10), (3, 12))  # eth-brownie 1.22 supports these
NODE_MAJOR_MIN = 20


def main() -> int:
    if not PYTHON_RANGE[0] <= sys.version_info[:2] <= PYTHON_RANGE[1]:
        print(
            f"error: Python {sys.version.split()[0]} found; this project needs Python 3.10 to 3.12 "
            "(set PYTHON=/path/to/python3.11 when calling make)",
            file=sys.stderr,
        )
        return 1
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        print(
            f"error: Node.js {NODE_MAJOR_MIN}+ with npm is required (Debian: apt-get install nodejs npm)",
            file=sys.stderr,
        )
        return 1
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < NODE_MAJOR_MIN:
        print(
            f"error: Node.js {version} found; this project needs Node.js {NODE_MAJOR_MIN} or newer",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
