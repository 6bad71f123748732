"""What time tracking promises whatever the deployment: an entry lasts its end minus its start
(less unpaid breaks), rounded values are never negative, a summary and a report add up to
their entries, and a person's timer cannot run twice."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from .client import Gateway, assert_problem, expect
from .world import Tenant

WS = "/api/v1/workspaces/{ws}"
# The longest range summaries and reports take (366 days, both ends included).
RANGE = {
    "from": (date.today() - timedelta(days=364)).isoformat(),
    "to": (date.today() + timedelta(days=1)).isoformat(),
}


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _entries(gateway: Gateway, tenant: Tenant) -> list[dict[str, Any]]:
    url = tenant.fill(f"{WS}/time-entries")
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {**RANGE, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = expect(gateway.request("GET", url, token=tenant.owner.token, params=params), 200)
        items += page["items"]
        cursor = page.get("next_cursor")
        if cursor is None:
            return items


def test_an_entry_lasts_its_end_minus_its_start(
    gateway: Gateway, mine: Tenant, seeded: dict[str, Any]
) -> None:
    entries = _entries(gateway, mine)
    assert {e["id"] for e in seeded["entries"]} <= {e["id"] for e in entries}
    for entry in entries:
        if entry["started_at"] is None or entry["ended_at"] is None:
            continue
        url = mine.fill(f"{WS}/time-entries/{{entry_id}}/breaks").replace(
            mine.id_for(f"{WS}/time-entries/{{entry_id}}", "entry_id"), entry["id"]
        )
        breaks = expect(gateway.request("GET", url, token=mine.owner.token), 200)["breaks"]
        unpaid = sum(
            (_moment(b["ended_at"]) - _moment(b["started_at"])).total_seconds()
            for b in breaks
            if not b["is_paid"] and b["ended_at"] is not None
        )
        span = (_moment(entry["ended_at"]) - _moment(entry["started_at"])).total_seconds()
        assert entry["duration_seconds"] == round(span - unpaid), entry


def test_rounded_values_are_never_negative(gateway: Gateway, mine: Tenant, seeded: object) -> None:
    for entry in _entries(gateway, mine):
        for name in ("duration_seconds", "rounded_duration_seconds"):
            assert entry[name] is None or entry[name] >= 0, entry
        if entry.get("rounded_started_at") and entry.get("rounded_ended_at"):
            assert _moment(entry["rounded_ended_at"]) >= _moment(entry["rounded_started_at"]), entry


def test_a_summary_and_a_report_add_up_to_their_entries(
    gateway: Gateway, mine: Tenant, seeded: object
) -> None:
    counted = sum(e["rounded_duration_seconds"] or 0 for e in _entries(gateway, mine))
    assert counted > 0
    summary = expect(
        gateway.request(
            "GET", mine.fill(f"{WS}/time-tracking/summary"), token=mine.owner.token, params=RANGE
        ),
        200,
    )
    assert summary["total_seconds"] == counted
    for part in ("by_project", "by_member", "by_day"):
        assert sum(row["seconds"] for row in summary[part]) == counted, part
        assert all(row["seconds"] >= 0 for row in summary[part]), part
    report = expect(
        gateway.request(
            "GET",
            mine.fill(f"{WS}/time-tracking/report"),
            token=mine.owner.token,
            params={**RANGE, "group_by": "project"},
        ),
        200,
    )
    assert report["total_seconds"] == counted
    assert sum(row["seconds"] for row in report["rows"]) == counted


def test_a_timer_cannot_be_started_twice(
    gateway: Gateway, mine: Tenant, seeded: dict[str, Any]
) -> None:
    body = {"project_id": seeded["project"]["id"], "description": "conformance timer"}
    start = mine.fill(f"{WS}/timer/start")
    expect(gateway.request("POST", start, token=mine.owner.token, json=body), 201)
    try:
        again = gateway.request("POST", start, token=mine.owner.token, json=body)
        assert_problem(again, (409,), "timer_already_running")
        running = expect(
            gateway.request("GET", mine.fill(f"{WS}/timer"), token=mine.owner.token), 200
        )
        assert running["worked_seconds"] >= 0
    finally:
        discarded = gateway.request(
            "POST", mine.fill(f"{WS}/timer/discard"), token=mine.owner.token
        )
        assert discarded.status_code == 204, discarded.text
