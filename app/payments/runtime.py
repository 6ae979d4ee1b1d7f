"""What the gateway holds for payments: the provider (callbacks), the ledger view and outbox
(reconciliation), and, when enabled, the bridge thread."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.ledger.client import ChainClient
from app.ledger.signers import SignerRegistry
from app.ledger.txmanager import TransactionManager
from app.payments.bridge import Bridge, BridgeThread, build_bridge
from app.payments.metrics import ReconciliationRecord


@dataclass
class PaymentsRuntime:
    bridge: Bridge
    thread: BridgeThread | None
    first_block: int
    reconciliations: ReconciliationRecord = field(default_factory=ReconciliationRecord)  # for /metrics

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.stop()
        else:
            self.bridge.close()


def start_payments(
    settings: Settings,
    chain: ChainClient,
    sessions: sessionmaker[Session],
    txmanager: TransactionManager,
    signers: SignerRegistry,
) -> PaymentsRuntime:
    bridge = build_bridge(settings, chain, sessions, txmanager, signers)
    thread = BridgeThread(bridge).start() if settings.payments_bridge_enabled else None
    return PaymentsRuntime(bridge, thread, chain.manifest.contracts["Payments"].block_number)
