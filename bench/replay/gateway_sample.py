"""A sample of the year's bids through the real gateway (`python -m app`, SQLite, its indexer off:
the catch-up is measured apart), reported apart from the direct path: tenders of the pilot agency
(IKN, whose officers' keys the gateway's signers file holds) announced with their Pokja, fresh
suppliers with their own keys, and each bid an EIP-712-signed commit posted to
`POST /tenders/{ocid}/bids/commitments`, relayed by the gateway and answered once confirmed. The
number of bidders per sample tender follows the year's distribution. The set-up is mined at once;
the relayed bids in blocks sealed every `block_period` seconds, as a QBFT consortium seals them, so
bids sent together share a block as they would there."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from app.auth import devissuer
from app.protocol.manifest import load_manifest
from bench import bid_load
from bench.gateway_load import gateway_env
from bench.procstat import RssSampler
from bench.replay.node import Rpc
from bench.replay.population import Year
from tests.support.gateway_process import gateway_process
from toolchain.dev_signers import write_signers


def through_gateway(
    rpc: Rpc, manifest_file: Path, year: Year, share: float, folder: Path, block_period: int
) -> dict | None:
    count = round(len(year.tenders) * share)
    if count == 0:
        return None
    url = rpc.url
    rpc.call("evm_setAutomine", [True])
    rng = random.Random(year.seed)
    sampled = rng.sample(year.tenders, count)
    bidders = [len(t.bidders) for t in sampled]
    (folder / "deployments").mkdir(parents=True, exist_ok=True)
    shutil.copy(manifest_file, folder / "deployments" / manifest_file.name)
    manifest = load_manifest(manifest_file)
    w3 = bid_load.web3_for(url)
    ocids = bid_load.announce_tenders(w3, manifest, count, f"replay-{year.seed}-gateway")
    suppliers = bid_load.register_suppliers(w3, manifest, max(bidders + [1]))
    devissuer.ensure_keys(folder / "issuer")
    write_signers(url, folder / "signers")
    deadline = w3.eth.get_block("latest")["timestamp"] + 7 * 24 * 3600

    def token_for(supplier_id: int) -> str:  # a supplier's own token: no role, its registry id
        return devissuer.issue(
            f"supplier-{supplier_id}", [], supplier=supplier_id, folder=folder / "issuer", ttl=86400
        )

    plans = []
    for position, supplier in enumerate(suppliers):
        mine = [ocid for ocid, n in zip(ocids, bidders, strict=True) if position < n]
        if mine:
            plans += bid_load.sign_bids(
                31337, manifest.address("Tenders"), [supplier], mine, deadline, token_for
            )
    env = gateway_env(url, folder, f"sqlite:///{folder / 'gateway.db'}", indexer=False)
    with gateway_process(env, folder / "gateway.log") as (base, process):
        sampler = RssSampler({"gateway": process.pid})
        result, refusal = None, ""
        with sampler:
            rpc.call("evm_setIntervalMining", [block_period])
            try:
                result = bid_load.through_gateway([(base, plans)], warmup=0)
            except RuntimeError as exc:  # e.g. 504 transaction_pending: a confirmation took too long
                refusal = str(exc)
            finally:
                # Both: turning automine off leaves anvil's interval mining running, and its empty
                # blocks would then race the replay's own time travel (and each costs a state root).
                rpc.call("evm_setIntervalMining", [0])
                rpc.call("evm_setAutomine", [False])
    if result is None:
        return {"tenders": count, "bids": sum(bidders), "refused": refusal[:300]}
    return {
        "tenders": count,
        "block_period": block_period,
        "bids": result.bids,
        "requests": result.bids,
        "seconds": result.seconds,
        "rate": result.rate,
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "gateway_peak_rss_mib": sampler.peak("gateway"),
    }
