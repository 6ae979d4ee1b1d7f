"""The indexer's memory stays bounded when a dense stretch follows a sparse one: over empty blocks its
eth_getLogs range grows wide, and the answer for a wide range that reaches busy blocks is dropped
unread and the range narrowed, instead of being parsed whole (the national replay's welfare blocks
after its procurement once made one answer of 1.3 million logs and 7 GiB)."""

from __future__ import annotations

import json

from app.indexer.follower import Indexer
from app.indexer.node import Node
from app.indexer.store import event_count
from tests.gateway import test_indexer as base
from tests.gateway.test_indexer import run_to_head

# the same module fixtures as the indexer tests
manifest, scenario, sessions = base.manifest, base.scenario, base.sessions

OCID = "ocds-terang-1001-2025-dense"
EMPTY_BLOCKS = 5_000


class MeasuredNode(Node):
    """The real node client, noting the span and the size of every eth_getLogs answer it parsed."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.answers: list[tuple[int, int]] = []

    def logs(self, first, last, addresses, max_bytes=None):
        found = super().logs(first, last, addresses, max_bytes)
        self.answers.append((last - first + 1, len(json.dumps(found))))
        return found


def test_a_busy_stretch_after_empty_blocks_is_never_parsed_in_one_wide_answer(
    chain_url, manifest, scenario, sessions
):
    scenario.suppliers()  # registered before the snapshot, so the shared chain keeps them
    outer = scenario.rpc("evm_snapshot")
    try:
        start = scenario.w3.eth.block_number
        scenario.rpc("anvil_mine", [hex(EMPTY_BLOCKS)])
        scenario.tender(OCID, {16: 1_800_000_000, 17: 1_700_000_000}, amend=False, objection=False)
        node = MeasuredNode(chain_url)
        indexer = Indexer(node, sessions, manifest, target_logs=2)
        indexer.first_block = start + 1
        run_to_head(indexer)
        whole = Node(chain_url).logs(start + 1, scenario.w3.eth.block_number, indexer.addresses)
    finally:
        scenario.rpc("evm_revert", [outer])  # leave the shared chain as this test found it

    assert max(span for span, _ in node.answers) >= 1_000, "the range grew wide over the empty blocks"
    wide = [size for span, size in node.answers if span > 1]
    assert max(wide) <= indexer.max_answer_bytes
    assert len(json.dumps(whole)) > indexer.max_answer_bytes, "the whole stretch is over the bound"
    with sessions() as session:
        assert event_count(session) == len(whole), "and every event was stored all the same"
