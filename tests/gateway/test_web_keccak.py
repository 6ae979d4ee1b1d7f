"""The explorer's in-browser keccak-256 (app/explorer/static/keccak.js) equals the contracts' keccak256:
run under Node on inputs around the 136-byte rate boundary and on random bytes."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest
from web3 import Web3

from tests.support.localchain import ROOT

SCRIPT = ROOT / "app" / "explorer" / "static" / "keccak.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_keccak_js_matches_the_chains_keccak():
    rng = random.Random(9)
    lengths = [0, 1, 3, 4, 5, 31, 32, 33, 135, 136, 137, 271, 272, 273, 1000, 4096, 65_537]
    inputs = [bytes(rng.getrandbits(8) for _ in range(n)) for n in lengths]
    program = (
        f"const k = require({json.dumps(str(SCRIPT))});"
        "const inputs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(inputs.map(h => k(Buffer.from(h, 'hex')))));"
    )
    result = subprocess.run(
        ["node", "-e", program],
        input=json.dumps([i.hex() for i in inputs]),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == ["0x" + Web3.keccak(i).hex().removeprefix("0x") for i in inputs]
