"""Runs the pilot's parts in order against a running gateway and prints what happened."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from toolchain.pilot.api import Gateway, LocalClock
from toolchain.pilot.tender import TenderOutcome, run_tender


@dataclass
class PilotReport:
    tender: TenderOutcome | None = None
    sections: dict[str, dict] = field(default_factory=dict)
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
            lines.append("  transactions:")
            lines += [f"    {step:<22} {tx}" for step, tx in t.transactions.items()]
        for title, facts in self.sections.items():
            lines.append(f"  {title}:")
            lines += [f"    {name:<22} {value}" for name, value in facts.items()]
        return "\n".join(lines)


def run_pilot(base_url: str, rpc_url: str, issuer_dir: Path, log=print) -> PilotReport:
    started = time.monotonic()
    api, clock = Gateway(base_url, issuer_dir), LocalClock(rpc_url)
    report = PilotReport()
    suffix = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    try:
        report.tender = run_tender(api, clock, f"ocds-terang-1001-pilot-{suffix}", _prefixed(log, "tender"))
    finally:
        api.close()
    report.seconds = time.monotonic() - started
    return report


def _prefixed(log, part: str):
    return lambda message: log(f"  [{part}] {message}", flush=True)
