"""A user's time settings: validated, and read by every write."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from worksync.common.testing.problems import assert_problem
from worksync.timetracking.testing import World


async def test_defaults_then_replaced(client: httpx.AsyncClient, world: World) -> None:
    url = f"{world.base}/time-tracking/settings"
    initial = await client.get(url, headers=world.ada.headers)
    assert initial.json() == {
        "version": 0,
        "timezone": None,
        "effective_timezone": "Europe/Berlin",
        "default_hourly_rate": None,
        "default_billable": False,
        "require_description": False,
        "auto_stop_minutes": None,
    }
    body = {"timezone": "Asia/Tokyo", "default_hourly_rate": "12.5", "default_billable": True}
    replaced = await client.put(url, json=body, headers=world.ada.headers)
    assert replaced.json() == {
        "version": 1,
        "timezone": "Asia/Tokyo",
        "effective_timezone": "Asia/Tokyo",
        "default_hourly_rate": "12.50",
        "default_billable": True,
        "require_description": False,
        "auto_stop_minutes": None,
    }
    # Naive times are now Tokyo time.
    entry = await client.post(
        f"{world.base}/time-entries",
        json={
            "project_id": str(world.project.id),
            "started_at": "2024-05-06T09:00:00",
            "ended_at": "2024-05-06T10:00:00",
        },
        headers=world.ada.headers,
    )
    assert entry.json()["started_at"] == "2024-05-06T00:00:00Z"
    assert (await client.get(url, headers=world.bob.headers)).json()["timezone"] is None
    assert_problem(await client.get(url, headers=world.guest.headers), 403, "insufficient_role")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "../etc/passwd"}, "timezone"),
        ({"default_hourly_rate": "-1"}, "default_hourly_rate"),
        ({"default_hourly_rate": "1.234"}, "default_hourly_rate"),
        ({"default_billable": "sometimes"}, "default_billable"),
        ({"week": 1}, "week"),
    ],
)
async def test_bad_settings_change_nothing(
    client: httpx.AsyncClient, world: World, body: dict[str, Any], field: str
) -> None:
    url = f"{world.base}/time-tracking/settings"
    response = await client.put(url, json=body, headers=world.ada.headers)
    assert_problem(response, 422, "validation_failed", fields={field})
    assert (await client.get(url, headers=world.ada.headers)).json()["timezone"] is None
