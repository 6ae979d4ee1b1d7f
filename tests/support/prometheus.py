"""A throw-away Prometheus server from Debian's package (`prometheus`), on a free loopback port, scraping
the given targets and evaluating a rule file, for tests and drills that must see a real alert fire.

    with prometheus_server(["http://127.0.0.1:8000"], rules=ALERTS, rule_for="2s") as prom:
        prom.wait_for_alert("TerangNodeDown", timeout=60)

Everything lives in a temporary folder (configuration, rewritten rules, storage), removed afterwards.
Scrapes and rule evaluations run every second; `rule_for` rewrites every rule's `for:` (a copy of the
rule file: the original is untouched) so a drill need not wait the production durations. `.ci/run`
installs the package."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import yaml

from toolchain.run_local import free_port


def prometheus_bin() -> str | None:
    return shutil.which("prometheus")


def promtool_bin() -> str | None:
    return shutil.which("promtool")


class PrometheusError(RuntimeError):
    pass


class Prometheus:
    """A running server: its HTTP API at `url`, its log at `log`."""

    def __init__(self, url: str, log: Path, process: subprocess.Popen) -> None:
        self.url = url
        self.log = log
        self.process = process
        self._http = httpx.Client(base_url=url, timeout=5)

    def _api(self, path: str, **params) -> object:
        response = self._http.get(path, params=params)
        body = response.json()
        if response.status_code != 200 or body.get("status") != "success":
            raise PrometheusError(f"{path}: {response.status_code} {body.get('error', body)}")
        return body["data"]

    def alerts(self) -> list[dict]:
        """Every active alert (pending or firing), as /api/v1/alerts gives it: `labels`,
        `annotations`, `state`, `activeAt`, `value`."""
        return self._api("/api/v1/alerts")["alerts"]

    def firing_alerts(self) -> list[dict]:
        return [a for a in self.alerts() if a["state"] == "firing"]

    def rule_states(self) -> dict[str, str]:
        """Each alerting rule's state by name: "inactive", "pending" or "firing"."""
        groups = self._api("/api/v1/rules", type="alert")["groups"]
        return {rule["name"]: rule["state"] for group in groups for rule in group["rules"]}

    def rule_errors(self) -> dict[str, str]:
        """Rules whose last evaluation failed, with the error (a typo in an expression shows here)."""
        groups = self._api("/api/v1/rules")["groups"]
        return {
            rule["name"]: rule["lastError"]
            for group in groups
            for rule in group["rules"]
            if rule.get("lastError")
        }

    def query(self, expr: str) -> list[dict]:
        """An instant query's vector: [{"metric": {...}, "value": [ts, "v"]}, ...]."""
        return self._api("/api/v1/query", query=expr)["result"]

    def targets_up(self) -> bool:
        active = self._api("/api/v1/targets", state="active")["activeTargets"]
        return bool(active) and all(t["health"] == "up" for t in active)

    def wait_for_scrape(self, timeout: float = 30) -> None:
        """Until every target has been scraped successfully once."""
        self._wait(self.targets_up, timeout, "targets scraped")

    def wait_for_alert(self, name: str, timeout: float = 60, state: str = "firing") -> dict:
        """The first active alert named `name` in `state` (default firing); PrometheusError after
        `timeout` seconds, naming what was active instead."""
        found: list[dict] = []

        def check() -> bool:
            found[:] = [
                a for a in self.alerts() if a["labels"].get("alertname") == name and a["state"] == state
            ]
            return bool(found)

        self._wait(check, timeout, f"alert {name} {state}")
        return found[0]

    def wait_until_inactive(self, name: str, timeout: float = 60) -> None:
        self._wait(lambda: self.rule_states().get(name) == "inactive", timeout, f"alert {name} inactive")

    def _wait(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise PrometheusError(f"prometheus exited ({self.process.returncode}); see {self.log}")
            if time.monotonic() > deadline:
                active = sorted(f"{a['labels'].get('alertname')}:{a['state']}" for a in self.alerts())
                raise PrometheusError(f"no {what} after {timeout:g} s; active: {active or 'none'}")
            time.sleep(0.25)

    def close(self) -> None:
        self._http.close()


def _target(address: str) -> tuple[str, str, str]:
    """ "http://host:port/path" or "host:port" -> (scheme, host:port, metrics path)."""
    if "://" not in address:
        return "http", address, "/metrics"
    parts = urlsplit(address)
    return parts.scheme, parts.netloc, parts.path if parts.path not in ("", "/") else "/metrics"


def scrape_config(targets: Mapping[str, Sequence[str]] | Sequence[str], interval: str) -> list[dict]:
    jobs = targets if isinstance(targets, Mapping) else {"gateway": targets}
    configs = []
    for job, addresses in jobs.items():
        by_shape: dict[tuple[str, str], list[str]] = {}
        for address in addresses:
            scheme, hostport, path = _target(address)
            by_shape.setdefault((scheme, path), []).append(hostport)
        for n, ((scheme, path), hostports) in enumerate(by_shape.items()):
            configs.append(
                {
                    "job_name": job if n == 0 else f"{job}-{n}",
                    "scheme": scheme,
                    "metrics_path": path,
                    "scrape_interval": interval,
                    "scrape_timeout": interval,
                    "static_configs": [{"targets": hostports, "labels": {"job": job}}],
                }
            )
    return configs


def rewrite_rules(
    source: Path, target: Path, rule_for: str | None, only: Collection[str] | None = None
) -> Path:
    """A copy of `source` with every rule's `for:` set to `rule_for` (unchanged when None), and with
    only the alerts named in `only` when given (e.g. without TerangHeadStalled on anvil, which mines
    only on demand)."""
    document = yaml.safe_load(source.read_text())
    for group in document.get("groups", []):
        if only is not None:
            group["rules"] = [r for r in group.get("rules", []) if "alert" not in r or r["alert"] in only]
        for rule in group.get("rules", []):
            if "alert" in rule and rule_for is not None:
                rule["for"] = rule_for
    document["groups"] = [g for g in document.get("groups", []) if g.get("rules")]
    target.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return target


@contextlib.contextmanager
def prometheus_server(
    targets: Mapping[str, Sequence[str]] | Sequence[str],
    rules: Path | None = None,
    *,
    rule_for: str | None = None,
    only: Collection[str] | None = None,
    interval: str = "1s",
    start_timeout: float = 30,
) -> Iterator[Prometheus]:
    """Starts Prometheus on a free loopback port scraping `targets` (base URLs such as
    "http://127.0.0.1:8000", or "host:port"; /metrics unless the URL names a path; a mapping
    job -> targets for several jobs, else job "gateway") every `interval`, evaluating `rules` every
    `interval` with every `for:` set to `rule_for` when given, and only the alerts named in `only`
    when given. Stops it (SIGTERM) and deletes its folder afterwards."""
    binary = prometheus_bin()
    if binary is None:
        raise RuntimeError("Prometheus is not installed (Debian: apt-get install prometheus)")
    folder = Path(tempfile.mkdtemp(prefix="terang-prometheus-"))
    config: dict = {
        "global": {"scrape_interval": interval, "evaluation_interval": interval, "scrape_timeout": interval},
        "scrape_configs": scrape_config(targets, interval),
    }
    if rules is not None:
        config["rule_files"] = [str(rewrite_rules(Path(rules), folder / "rules.yml", rule_for, only))]
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    port = free_port()
    log = folder / "prometheus.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--web.enable-lifecycle",
                "--log.level=warn",
            ],
            cwd=folder,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    server = Prometheus(f"http://127.0.0.1:{port}", log, process)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                if httpx.get(f"{server.url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prometheus did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield server
    finally:
        server.close()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)
