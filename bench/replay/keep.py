"""What `--keep DIR` leaves for the reads benchmark, and how to bring it back: the chain restarted
from its dumped state on a free port, with the manifest and the indexed database beside it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from bench.replay.chain import own_anvil

SAMPLE = 50


def write_index(
    work: Path, figures: dict, year, procurement, quarter, keys: list[bytes], database: str, head: int
):
    awarded = [t for t in year.tenders if t.outcome == "awarded"]
    failed = [t for t in year.tenders if t.outcome == "failed"]
    index = {
        "scale": figures["scale"],
        "seed": figures["seed"],
        "chain_id": 31337,
        "head_block": head,
        "database_url": database,
        "samples": {
            "ocids_awarded": [t.ocid for t in awarded[:SAMPLE]],
            "ocids_failed": [t.ocid for t in failed[:SAMPLE]],
            "supplier_ids": list(procurement.supplier_ids.values())[:SAMPLE],
            "supplier_accounts": year.suppliers[:SAMPLE],
            "agency_ids": [a.id for a in year.agencies],
            "programme_ids": [quarter.programme],
            "escrow_ids": ["0x" + e.hex() for e in procurement.escrow_ids[:SAMPLE]],
            "beneficiary_keys": ["0x" + k.hex() for k in keys[:SAMPLE]],
        },
        "run": {k: figures[k] for k in ("command", "volume", "transactions_total", "events_total", "blocks")},
    }
    (work / "replay.json").write_text(json.dumps(index, indent=2) + "\n")


@contextlib.contextmanager
def restore(directory: Path) -> Iterator[tuple[str, Path, str]]:
    """The kept chain on a fresh anvil (stopped on exit): (chain URL, manifest dir, database URL)."""
    index = json.loads((directory / "replay.json").read_text())
    with own_anvil(load_state=directory / "anvil-state.json") as chain:
        head = int(chain.rpc.call("eth_blockNumber"), 16)
        if head < index["head_block"]:
            raise RuntimeError(
                f"the restored chain stops at block {head}, the replay reached {index['head_block']}"
            )
        local = directory / "terang.db"  # the kept SQLite file, wherever DIR has moved since
        yield (
            chain.url,
            directory / "manifest",
            f"sqlite:///{local}" if local.exists() else index["database_url"],
        )
