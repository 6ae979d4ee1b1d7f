"""The explorer's in-browser keccak-256 is noble-hashes, copied from its pinned npm package into
app/explorer/static/vendor/noble-hashes (the gateway serves it; nothing comes from a CDN):

- the copies are byte for byte the files of the package package-lock.json pins, so an update goes
  through npm and `make vendor`, never by hand;
- run under Node the way hash-worker.js runs it (a hasher fed in chunks), it equals the contracts'
  keccak256 around the 136-byte rate boundary and on random bytes, whatever the chunking."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest
from web3 import Web3

from tests.support.localchain import ROOT

VENDORED = ROOT / "app" / "explorer" / "static" / "vendor" / "noble-hashes"
PACKAGE = ROOT / "node_modules" / "@noble" / "hashes"
FILES = ("sha3.js", "_u64.js", "utils.js", "LICENSE", "package.json")


def test_the_copies_are_the_pinned_packages_files():
    if not PACKAGE.exists():
        pytest.skip("node_modules has no @noble/hashes (make setup installs it)")
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/@noble/hashes"]["version"]
    assert json.loads((VENDORED / "package.json").read_text())["version"] == pinned
    for name in FILES:
        assert (VENDORED / name).read_bytes() == (PACKAGE / name).read_bytes(), name


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_streamed_keccak_in_javascript_matches_the_chains_keccak():
    rng = random.Random(9)
    lengths = [0, 1, 3, 4, 5, 31, 32, 33, 135, 136, 137, 271, 272, 273, 1000, 4096, 65_537]
    inputs = [bytes(rng.getrandbits(8) for _ in range(n)) for n in lengths]
    program = (
        f"const {{ keccak_256 }} = await import({json.dumps(str(VENDORED / 'sha3.js'))});"
        "const {readFileSync} = await import('node:fs');"
        "const inputs = JSON.parse(readFileSync(0, 'utf8'));"
        "const hex = b => '0x' + Buffer.from(b).toString('hex');"
        "console.log(JSON.stringify(inputs.map(([h, step]) => {"
        "  const bytes = Buffer.from(h, 'hex'); const hasher = keccak_256.create();"
        "  for (let i = 0; i < bytes.length; i += step) hasher.update(bytes.subarray(i, i + step));"
        "  return hex(hasher.digest()); })));"
    )
    chunks = [rng.choice([1, 7, 136, 1000, 65_536]) for _ in inputs]
    result = subprocess.run(
        ["node", "--input-type=module", "-e", program],
        input=json.dumps([[i.hex(), step] for i, step in zip(inputs, chunks, strict=True)]),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == ["0x" + Web3.keccak(i).hex().removeprefix("0x") for i in inputs]
