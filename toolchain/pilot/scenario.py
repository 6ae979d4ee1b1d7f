"""Runs the pilot's parts in order against a running gateway and prints what happened."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from toolchain.pilot.api import Gateway, LocalClock
from toolchain.pilot.contract import ContractOutcome, run_contract
from toolchain.pilot.pokja import Pokja
from toolchain.pilot.seleksi import SeleksiOutcome, run_seleksi
from toolchain.pilot.tender import TenderOutcome, run_tender
from toolchain.pilot.welfare import WelfareOutcome, run_welfare


@dataclass
class PilotReport:
    tender: TenderOutcome | None = None
    seleksi: SeleksiOutcome | None = None
    contract: ContractOutcome | None = None
    welfare: WelfareOutcome | None = None
    seconds: float = 0.0
    # transaction hash -> who sent it: the official (address, agency, roles), a supplier or relayer
    officials: dict[str, str] = field(default_factory=dict)

    def _acts(self, transactions: dict[str, str]) -> list[str]:
        return [
            f"    {step:<22} {tx}  {self.officials.get(tx, '')}".rstrip() for step, tx in transactions.items()
        ]

    def all_transactions(self) -> list[str]:
        parts = (self.tender, self.seleksi, self.contract, self.welfare)
        return [tx for part in parts if part for tx in part.transactions.values()]

    def summary(self) -> str:
        lines = ["", f"Pilot finished in {self.seconds:.1f} s, through the gateway's REST API only:"]
        lines.append("  each act: step, transaction, and who acted (official, agency; roles)")
        if self.tender:
            t = self.tender
            lines += [
                f"  tender     {t.ocid}  (tenderId {t.tender_id})",
                f"  pokja      {len(t.pokja)} IKN officers, quorum {t.quorum}: "
                + ", ".join(f"{m.index} {m.address}" for m in t.pokja),
                f"  winner     supplier {t.winner.supplier_id}, {t.winner.name}",
                "  why        lowest evaluated price (HEA = price x (1 - TKDN x preference)), TKDN weighted "
                "by the products' value shares:",
            ]
            for bidder in t.bidders:
                mark = "<- winner" if bidder is t.winner else ""
                lines.append(
                    f"{'':15}Rp{bidder.price:>15,} -> HEA Rp{t.heas[bidder.name]:>15,}  "
                    f"TKDN {t.tkdn[bidder.name] / 100:5.2f}%  {bidder.name} {mark}"
                )
            if t.withheld:
                w = t.withheld
                lines.append(
                    f"  withheld   {w.bidder.name} did not open its bid; after the reveal deadline Pokja "
                    f"members {' and '.join(map(str, w.members))} decrypted their shares of its envelope "
                    f"and member {w.sender} ({w.opened_by}) sent the quorum opening: Rp{w.price:,}"
                )
            if t.sanggah:
                lines.append(
                    f"  sanggah    objection {t.sanggah.objection_id} by {t.sanggah.objector.name}: "
                    f"{t.sanggah.outcome} by Pokja member {t.sanggah.member} (evidence "
                    f"{t.sanggah.evidence_hash[:18]}..., answer {t.sanggah.response_hash[:18]}...)"
                )
            lines.append("  transactions:")
            lines += self._acts(t.transactions)
        if self.seleksi:
            s = self.seleksi
            lines += [
                f"  seleksi    {s.ocid}  (tenderId {s.tender_id})",
                f"  winner     supplier {s.winner.supplier_id}, {s.winner.name}",
                f"  why        best value (70% technical, 30% price); {s.sealed_sheets} score sheets sealed "
                f"before the scoring deadline, {s.opened_sheets} opened after the reveal deadline:",
            ]
            for firm in s.consultants:
                mark = "<- winner" if firm is s.winner else ""
                technical = sum(firm.scores) / len(firm.scores) / 100
                lines.append(
                    f"{'':15}Rp{firm.price:>15,}  technical {technical:5.2f}  score {firm.combined:5.2f}  "
                    f"{firm.name} {mark}"
                )
            lines.append("  transactions:")
            lines += self._acts(s.transactions)
        if self.contract:
            c = self.contract
            lines.append(f"  contract   escrow {c.escrow_id}  value Rp{c.value:,}")
            for m in c.milestones:
                lines.append(
                    f"    milestone {m.index + 1}: paid and settled, net Rp{m.net:,} "
                    f"(retention Rp{m.retention:,} held)  payment {m.payment_id}"
                )
            lines += self._acts(c.transactions)
        if self.welfare:
            w = self.welfare
            refused = ", ".join(f"{n} {reason}" for reason, n in w.refused.items()) or "none"
            lines += [
                f"  welfare    programme {w.programme_id}: {w.enrolled} enrolled, refused: {refused}",
                f"    period 0 batch {w.batch_id}: {w.lines} lines, Rp{w.amount:,}, {w.status} on chain",
                "    notices delivered: "
                + (", ".join(f"{n} {kind}" for kind, n in sorted(w.notices.items())) or "none"),
                f"    grievance {w.grievance or '-'}: filed by a refused family, appealed, decided, resolved",
            ]
            lines += self._acts(w.transactions)
        return "\n".join(lines)


def run_pilot(base_url: str, rpc_url: str, issuer_dir: Path, log=print) -> PilotReport:
    started = time.monotonic()
    api, clock = Gateway(base_url, issuer_dir, rpc_url=rpc_url), LocalClock(rpc_url)
    report = PilotReport()
    suffix = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    try:
        with tempfile.TemporaryDirectory(prefix="terang-pokja-") as keys:
            pokja = Pokja(api, rpc_url, Path(keys))  # each member's key file (its own machine in real life)
            ocid = f"ocds-terang-1001-pilot-{suffix}"
            report.tender = run_tender(api, clock, pokja, ocid, _prefixed(log, "tender"))
            report.seleksi = run_seleksi(api, clock, pokja, f"{ocid}-seleksi", _prefixed(log, "seleksi"))
        report.contract = run_contract(api, clock, rpc_url, report.tender, _prefixed(log, "contract"))
        report.welfare = run_welfare(api, clock, _prefixed(log, "welfare"))
        # Each act names its official: who sent each transaction, with its agency and roles.
        report.officials = {tx: api.official(tx) for tx in report.all_transactions() if tx}
    finally:
        api.close()
    report.seconds = time.monotonic() - started
    return report


def _prefixed(log, part: str):
    return lambda message: log(f"  [{part}] {message}", flush=True)
