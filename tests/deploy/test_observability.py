"""Prometheus' configuration, alert rules and the Grafana dashboard match what the code
exports: every service is scraped, and every series they name exists."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import CollectorRegistry

from scripts.system import GATEWAY, ROOT, SERVICES
from worksync.common.metrics import HttpMetrics, PoolCollector, WorkerMetrics
from worksync.common.monitoring import Heartbeat, HeartbeatCollector

OBSERVABILITY = ROOT / "deploy" / "observability"
COMPOSE = ROOT / "deploy" / "compose.yaml"
SERIES = re.compile(r"\b((?:worksync|http_server)_[a-z_]+)\b")
MONITORING_PORT_OFFSET = 1000


def _exported_series() -> set[str]:
    """Every sample name the APIs, workers and gateway can export."""
    registry = CollectorRegistry()
    HttpMetrics(registry, "any").observe("GET", "/x", 200, 0.1)
    registry.register(PoolCollector("any", dict))
    worker = WorkerMetrics("any", registry)
    worker.consumer_outcome("q", "t", "processed")
    worker.handler_duration.labels("any", "q", "t").observe(0.1)
    worker.event_age.labels("any", "q", "t").observe(0.1)
    worker.queue_messages.labels("any", "q").set(0)
    worker.dead_letters.labels("any", "q.dead").set(0)
    registry.register(HeartbeatCollector("any", {"relay": Heartbeat()}))
    return {
        name
        for family in registry.collect()
        for name in (family.name, *(sample.name for sample in family.samples))
    }


def _expressions(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return found + [e for value in node.values() for e in _expressions(value)]
    if isinstance(node, list):
        return [e for item in node for e in _expressions(item)]
    return []


def _named_series(path: Path, document: Any) -> set[str]:
    expressions = _expressions(document)
    assert expressions, f"{path.name} has no expressions"
    return {name for expr in expressions for name in SERIES.findall(expr)}


def test_alerts_and_dashboard_name_only_exported_series() -> None:
    exported = _exported_series()
    alerts = yaml.safe_load((OBSERVABILITY / "alerts.yml").read_text())
    dashboard = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text())
    for path, document in (("alerts.yml", alerts), ("grafana-dashboard.json", dashboard)):
        unknown = _named_series(OBSERVABILITY / path, document) - exported
        assert not unknown, f"{path} names series nobody exports: {sorted(unknown)}"


def test_the_alerts_the_operators_rely_on_exist() -> None:
    alerts = yaml.safe_load((OBSERVABILITY / "alerts.yml").read_text())
    rules = {rule["alert"]: rule for group in alerts["groups"] for rule in group["rules"]}
    assert {
        "WorkSyncDeadLetters",
        "WorkSyncOutboxStale",
        "WorkSyncConsumerStalled",
        "WorkSyncHighErrorRate",
    } <= set(rules)
    assert "worksync_dead_letter_messages" in rules["WorkSyncDeadLetters"]["expr"]
    for rule in rules.values():
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["annotations"]["summary"]


def test_the_dashboard_panels_are_well_formed() -> None:
    dashboard = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text())
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert panel["targets"], panel["title"]


def test_compose_prometheus_scrapes_every_api_worker_and_the_gateway() -> None:
    prometheus = yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text())
    targets = {
        target
        for job in prometheus["scrape_configs"]
        for config in job["static_configs"]
        for target in config["targets"]
    }
    for service in SERVICES:
        assert f"{service.name}:{service.default_port}" in targets, service.name
        if service.has_worker:
            port = service.default_port + MONITORING_PORT_OFFSET
            assert f"{service.name}-worker:{port}" in targets, service.name
    assert f"gateway:{GATEWAY.default_port + MONITORING_PORT_OFFSET}" in targets
    (rules,) = prometheus["rule_files"]
    compose = yaml.safe_load(COMPOSE.read_text())
    mounts = compose["services"]["prometheus"]["volumes"]
    assert f"./observability/alerts.yml:{rules}:ro" in mounts
