"""The alerts firing now, read from the consortium's Prometheus (TERANG_PROMETHEUS_URL), whose rules are
deploy/prometheus/alerts.yml. Asked at most every few seconds however many pages are open, with a short
timeout: a Prometheus that does not answer is shown as such, never waited for."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx

CACHE_SECONDS = 5.0
TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Alert:
    name: str
    state: str  # firing | pending
    severity: str
    summary: str  # Bahasa Indonesia
    summary_en: str
    labels: dict[str, str]
    active_at: str | None  # RFC 3339, UTC


@dataclass(frozen=True)
class AlertReading:
    configured: bool
    reachable: bool
    alerts: tuple[Alert, ...] = ()


class PrometheusAlerts:
    def __init__(self, url: str | None) -> None:
        self.url = url.rstrip("/") if url else None
        self._lock = threading.Lock()
        self._known: tuple[float, AlertReading] | None = None

    def read(self) -> AlertReading:
        if self.url is None:
            return AlertReading(configured=False, reachable=False)
        with self._lock:
            if self._known is not None and time.monotonic() - self._known[0] < CACHE_SECONDS:
                return self._known[1]
            reading = self._ask()
            self._known = (time.monotonic(), reading)
            return reading

    def _ask(self) -> AlertReading:
        try:
            answer = httpx.get(f"{self.url}/api/v1/alerts", timeout=TIMEOUT_SECONDS).json()
            found = answer["data"]["alerts"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return AlertReading(configured=True, reachable=False)
        alerts = []
        for a in found:
            labels, notes = a.get("labels", {}), a.get("annotations", {})
            alerts.append(
                Alert(
                    name=labels.get("alertname", "?"),
                    state=a.get("state", "?"),
                    severity=labels.get("severity", ""),
                    summary=notes.get("summary", ""),
                    summary_en=notes.get("summary_en", notes.get("summary", "")),
                    labels={k: v for k, v in labels.items() if k not in ("alertname", "severity")},
                    active_at=a.get("activeAt"),
                )
            )
        alerts.sort(key=lambda a: (a.state != "firing", a.severity != "critical", a.name))
        return AlertReading(configured=True, reachable=True, alerts=tuple(alerts))
