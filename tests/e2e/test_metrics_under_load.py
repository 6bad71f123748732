"""End to end: under a burst of concurrent writes through the gateway, every process exposes
the series the dashboard and the alerts are built on, counting what really happened."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from scripts.local_system import RunningSystem

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
WRITES = 40
CONCURRENCY = 8


def _samples(url: str) -> list[Sample]:
    response = httpx.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    return [
        sample
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    ]


def _total(samples: Iterable[Sample], name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels` (-1 when there is none)."""
    matching = [
        sample.value
        for sample in samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    ]
    return sum(matching) if matching else -1.0


def _request_count(samples: Iterable[Sample], method: str, route_end: str, status: str) -> float:
    return sum(
        sample.value
        for sample in samples
        if sample.name == "http_server_request_duration_seconds_count"
        and sample.labels["method"] == method
        and sample.labels["route"].endswith(route_end)
        and sample.labels["status"] == status
    )


def _metrics_url(system: RunningSystem, env_prefix: str) -> str:
    return f"http://127.0.0.1:{system.env[f'{env_prefix}_METRICS_PORT']}"


def _reaches(url: str, check: Callable[[list[Sample]], bool]) -> None:
    eventually(lambda: check(_samples(url)))


def test_metrics_count_a_burst_of_writes(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=30) as client:
        owner = Person(client, "owner")
        slug = f"metrics-{uuid.uuid4().hex[:8]}"
        ws = f"/api/v1/workspaces/{slug}"
        created = client.post(
            "/api/v1/workspaces", json={"slug": slug, "name": "Metrics"}, headers=owner.headers
        )
        assert created.status_code == 201, created.text
        project = client.post(
            f"{ws}/projects", json={"identifier": "MET", "name": "Metrics"}, headers=owner.headers
        )
        assert project.status_code == 201, project.text
        project_id = project.json()["id"]
        first_day = date.today() - timedelta(days=WRITES + 1)

        def create_issue(n: int) -> int:
            return client.post(
                f"{ws}/projects/{project_id}/issues",
                json={"title": f"Issue {n}"},
                headers=owner.headers,
            ).status_code

        def log_time(n: int) -> int:
            day = first_day + timedelta(days=n)
            body = {
                "project_id": project_id,
                "started_at": f"{day}T09:00:00",
                "ended_at": f"{day}T10:00:00",
            }
            return client.post(f"{ws}/time-entries", json=body, headers=owner.headers).status_code

        with ThreadPoolExecutor(CONCURRENCY) as pool:
            issues = list(pool.map(create_issue, range(WRITES)))
            entries = list(pool.map(log_time, range(WRITES)))
        assert issues == [201] * WRITES
        assert entries == [201] * WRITES

    gateway = _samples(_metrics_url(system, "GATEWAY"))
    assert _request_count(gateway, "POST", "/issues", "201") >= WRITES
    assert _request_count(gateway, "POST", "/time-entries", "201") >= WRITES

    work_items_api = _samples(system.service_urls["work-items"])
    assert _request_count(work_items_api, "POST", "/projects/{pid}/issues", "201") >= WRITES
    assert _total(work_items_api, "worksync_db_pool_max_connections") > 0
    assert _total(work_items_api, "worksync_db_pool_connections", state="idle") >= 0
    timetracking_api = _samples(system.service_urls["timetracking"])
    assert _request_count(timetracking_api, "POST", "/time-entries", "201") >= WRITES

    # The producers' relays published every event and their outboxes drained.
    for producer in ("WORK_ITEMS", "TIMETRACKING"):
        _reaches(
            _metrics_url(system, producer),
            lambda samples: (
                _total(samples, "worksync_relay_published_events_total") >= WRITES
                and _total(samples, "worksync_relay_publish_duration_seconds_count") >= WRITES
                and _total(samples, "worksync_outbox_unpublished_events") == 0
                and _total(samples, "worksync_outbox_oldest_unpublished_age_seconds") == 0
            ),
        )

    # The consumers handled them, measured their lag, and sent nothing to the dead queue.
    def consumed(event_type: str) -> Callable[[list[Sample]], bool]:
        return lambda samples: (
            _total(
                samples,
                "worksync_consumer_events_total",
                event_type=event_type,
                outcome="processed",
            )
            >= WRITES
            and _total(samples, "worksync_consumer_event_age_seconds_count", event_type=event_type)
            >= WRITES
            and _total(
                samples, "worksync_consumer_handler_duration_seconds_count", event_type=event_type
            )
            >= WRITES
            and _total(samples, "worksync_queue_messages") == 0
            and _total(samples, "worksync_dead_letter_messages") == 0
        )

    _reaches(_metrics_url(system, "TIMETRACKING"), consumed("workitems.issue.created"))
    _reaches(_metrics_url(system, "RESOURCES"), consumed("timetracking.entry.created"))
