"""The alert rules (deploy/prometheus/alerts.yml) are valid, each fires when it should and stays silent
when it should not (promtool's unit tests, tests/ops/alerts/*.yml), each says how bad and what to do in
both languages, every metric they read is served by a real gateway's /metrics, and a real Prometheus
watching a real gateway sees an alert go from inactive to firing when the gateway's node goes away."""

from __future__ import annotations

import contextlib
import re
import subprocess
import time

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.support.gateway_process import gateway_process
from tests.support.localchain import ROOT, anvil, deploy_local
from tests.support.prometheus import prometheus_bin, prometheus_server, promtool_bin, rewrite_rules
from toolchain.dev_signers import write_signers

RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
UNIT_TESTS = sorted((ROOT / "tests" / "ops" / "alerts").glob("*.yml"))
ALERTS = {
    "TerangNodeDown",
    "TerangNodeLagging",
    "TerangHeadStalled",
    "TerangIndexerLagging",
    "TerangTransactionPendingTooLong",
    "TerangReconciliationMismatch",
    "TerangPayoutFailureRate",
    "TerangGatewayErrors",
}
RUNBOOKS = {
    "node-down",
    "node-lagging",
    "node-compromised",
    "signer-key-compromise",
    "payout-incident",
    "pause-and-rollback",
    "database-failover",
}
ANNOTATIONS = {"summary", "summary_en", "description", "description_en", "runbook", "runbook_en"}
METRIC = re.compile(r"\bterang_[a-z0-9_]+\b")

needs_promtool = pytest.mark.skipif(
    promtool_bin() is None,
    reason="promtool is not installed (Debian package prometheus; .ci/run installs it)",
)
needs_prometheus = pytest.mark.skipif(
    prometheus_bin() is None,
    reason="Prometheus is not installed (Debian package prometheus; .ci/run installs it)",
)


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def promtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([promtool_bin(), *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


@needs_promtool
def test_the_rule_file_and_the_scrape_configuration_are_valid():
    checked = promtool("check", "rules", str(RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(ALERTS)} rules found" in checked.stdout
    config = promtool("check", "config", str(CONFIG))
    assert config.returncode == 0, config.stdout + config.stderr


@needs_promtool
def test_each_alert_fires_when_it_should_and_stays_silent_when_it_should_not():
    done = promtool("test", "rules", *map(str, UNIT_TESTS))
    assert done.returncode == 0, done.stdout + done.stderr
    # every alert has a case where it fires and a case where it must not
    firing, silent = set(), set()
    for path in UNIT_TESTS:
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", ()):
                (firing if case.get("exp_alerts") else silent).add(case["alertname"])
    assert firing == ALERTS, sorted(ALERTS ^ firing)
    assert silent == ALERTS, sorted(ALERTS ^ silent)


def test_each_alert_says_how_bad_and_what_to_do_in_both_languages():
    assert {rule["alert"] for rule in rules()} == ALERTS
    for rule in rules():
        name = rule["alert"]
        assert rule["labels"]["severity"] in ("critical", "warning"), name
        annotations = rule["annotations"]
        assert set(annotations) == ANNOTATIONS, name
        for language, suffix in (("id", ""), ("en", "_en")):
            runbook = re.fullmatch(
                rf"docs/runbooks/([a-z-]+)\.{language}\.md", annotations["runbook" + suffix]
            )
            assert runbook and runbook.group(1) in RUNBOOKS, (name, annotations["runbook" + suffix])
        assert annotations["runbook"].replace(".id.md", "") == annotations["runbook_en"].replace(".en.md", "")
        assert annotations["summary"] != annotations["summary_en"], name
        assert annotations["description"] != annotations["description_en"], name


def test_the_runbooks_the_alerts_name_exist():
    missing = sorted(
        {a[key] for a in (r["annotations"] for r in rules()) for key in ("runbook", "runbook_en")}
        - {str(p.relative_to(ROOT)) for p in (ROOT / "docs" / "runbooks").glob("*.md")}
    )
    assert not missing, f"alerts name runbooks that do not exist: {missing}"


def exposed(text: str) -> set[str]:
    """Every series name a scrape can carry, from the families declared (a family with no sample
    now, e.g. no pending transaction, is still served)."""
    names = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}.get(family.type, ())
        names.update(family.name + suffix for suffix in suffixes)
    return names


def test_every_metric_the_rules_read_is_served_by_the_gateway(client, token):
    # some traffic: reads that answer, a read of nothing, a path no route knows, a reconciliation run
    assert client.get("/health").status_code == 200
    client.get("/tenders/ocds-nothing-here")
    client.get("/no/such/route")
    assert client.get("/payments/reconciliation", headers=token("AUDITOR")).status_code == 200
    served = exposed(client.get("/metrics").text)
    read = {name for rule in rules() for name in METRIC.findall(rule["expr"])}
    assert read, "no metric found in the rules"
    assert not read - served, f"the rules read metrics the gateway does not serve: {sorted(read - served)}"


@needs_prometheus
def test_a_real_prometheus_sees_gateway_errors_fire_when_the_node_goes_away(issuer_dir, tmp_path):
    """A gateway on a chain of its own, scraped every second by Debian's Prometheus with the rule file
    (every `for:` cut to 2 s): while the node answers, the rules are silent; once the node is gone,
    reads are answered 503 and TerangGatewayErrors fires (TerangNodeDown too)."""
    with contextlib.ExitStack() as node:
        url = node.enter_context(anvil())
        assert deploy_local(url, tmp_path / "deployments").returncode == 0
        env = {
            "TERANG_RPC_URL": url,
            "TERANG_CHAIN_ID": "31337",
            "TERANG_MANIFEST_DIR": str(tmp_path / "deployments"),
            "TERANG_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
            "TERANG_SIGNERS_FILE": str(write_signers(url, tmp_path / "signers")),
            "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
            "TERANG_ENVIRONMENT": "test",
            "TERANG_RATE_LIMIT_PER_SECOND": "0",
        }
        with (
            gateway_process(env, tmp_path / "gateway.log") as (base, _),
            prometheus_server([base], RULES, rule_for="2s") as prometheus,
        ):
            prometheus.wait_for_scrape()
            for _ in range(20):
                assert httpx.get(base + "/health", timeout=10).status_code == 200
                time.sleep(0.2)
            assert not prometheus.rule_errors()
            states = prometheus.rule_states()
            assert set(states) == ALERTS
            assert states["TerangGatewayErrors"] == "inactive", prometheus.alerts()
            assert states["TerangNodeDown"] == "inactive", prometheus.alerts()
            assert prometheus.query('terang_http_requests_total{route="/health",status="200"}')

            node.close()  # the node goes away
            deadline, answers = time.monotonic() + 90, []
            while time.monotonic() < deadline and not any(
                a["labels"]["alertname"] == "TerangGatewayErrors" for a in prometheus.firing_alerts()
            ):
                # reads keep coming, as a load balancer's probes and the public would send them
                answers.append(httpx.get(base + "/health", timeout=10).status_code)
                time.sleep(0.2)
            assert 503 in answers
            fired = prometheus.wait_for_alert("TerangGatewayErrors", timeout=1)
            assert fired["labels"]["severity"] == "warning"
            assert fired["annotations"]["runbook"] == "docs/runbooks/node-down.id.md"
            down = prometheus.wait_for_alert("TerangNodeDown", timeout=30)
            assert down["labels"]["severity"] == "critical"


def test_a_drill_copy_of_the_rules_cuts_every_for_and_keeps_only_the_alerts_named(tmp_path):
    copy = rewrite_rules(RULES, tmp_path / "rules.yml", "2s", only={"TerangNodeDown", "TerangGatewayErrors"})
    kept = [rule for group in yaml.safe_load(copy.read_text())["groups"] for rule in group["rules"]]
    assert {rule["alert"] for rule in kept} == {"TerangNodeDown", "TerangGatewayErrors"}
    assert {rule["for"] for rule in kept} == {"2s"}
    assert {rule["for"] for rule in rules()} != {"2s"}  # the rule file itself is untouched
