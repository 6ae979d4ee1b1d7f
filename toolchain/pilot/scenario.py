"""Runs the pilot's parts in order against a running gateway and prints what happened."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from toolchain.pilot.api import Gateway, LocalClock
from toolchain.pilot.contract import ContractOutcome, run_contract
from toolchain.pilot.tender import TenderOutcome, run_tender
from toolchain.pilot.welfare import WelfareOutcome, run_welfare


@dataclass
class PilotReport:
    tender: TenderOutcome | None = None
    contract: ContractOutcome | None = None
    welfare: WelfareOutcome | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        lines = ["", f"Pilot finished in {self.seconds:.1f} s, through the gateway's REST API only:"]
        if self.tender:
            t = self.tender
            lines += [
                f"  tender     {t.ocid}  (tenderId {t.tender_id})",
                f"  winner     supplier {t.winner.supplier_id}, {t.winner.name}",
                "  why        lowest evaluated price (HEA = price x (1 - TKDN x preference)):",
            ]
            for bidder in t.bidders:
                mark = "<- winner" if bidder is t.winner else ""
                lines.append(
                    f"{'':15}Rp{bidder.price:>15,} -> HEA Rp{t.heas[bidder.name]:>15,}  {bidder.name} {mark}"
                )
            if t.sanggah:
                lines.append(
                    f"  sanggah    objection {t.sanggah.objection_id} by {t.sanggah.objector.name}: "
                    f"{t.sanggah.outcome} (evidence {t.sanggah.evidence_hash[:18]}..., "
                    f"answer {t.sanggah.response_hash[:18]}...)"
                )
            lines.append("  transactions:")
            lines += [f"    {step:<22} {tx}" for step, tx in t.transactions.items()]
        if self.contract:
            c = self.contract
            lines.append(f"  contract   escrow {c.escrow_id}  value Rp{c.value:,}")
            for m in c.milestones:
                lines.append(
                    f"    milestone {m.index + 1}: paid and settled, net Rp{m.net:,} "
                    f"(retention Rp{m.retention:,} held)  payment {m.payment_id}"
                )
            lines += [f"    {step:<22} {tx}" for step, tx in c.transactions.items()]
        if self.welfare:
            w = self.welfare
            refused = ", ".join(f"{n} {reason}" for reason, n in w.refused.items()) or "none"
            lines += [
                f"  welfare    programme {w.programme_id}: {w.enrolled} enrolled, refused: {refused}",
                f"    period 0 batch {w.batch_id}: {w.lines} lines, Rp{w.amount:,}, {w.status} on chain",
            ]
            lines += [f"    {step:<22} {tx}" for step, tx in w.transactions.items()]
        return "\n".join(lines)


def run_pilot(base_url: str, rpc_url: str, issuer_dir: Path, log=print) -> PilotReport:
    started = time.monotonic()
    api, clock = Gateway(base_url, issuer_dir), LocalClock(rpc_url)
    report = PilotReport()
    suffix = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    try:
        report.tender = run_tender(api, clock, f"ocds-terang-1001-pilot-{suffix}", _prefixed(log, "tender"))
        report.contract = run_contract(api, clock, rpc_url, report.tender, _prefixed(log, "contract"))
        report.welfare = run_welfare(api, clock, _prefixed(log, "welfare"))
    finally:
        api.close()
    report.seconds = time.monotonic() - started
    return report


def _prefixed(log, part: str):
    return lambda message: log(f"  [{part}] {message}", flush=True)
