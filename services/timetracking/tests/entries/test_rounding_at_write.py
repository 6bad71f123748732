"""The rounding rule (the project's own, else the workspace's), applied when an entry is
written (a timer's when it stops) and frozen on it: raw times kept beside the rounded ones,
summaries counting the rounded time, later rule changes touching only later entries."""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder
from worksync.timetracking.testing import (
    NO_ROUNDING,
    World,
    create_entry,
    outbox_of,
    rewind_timer,
    rounding_rule,
    set_workspace_settings,
)

QUARTER_UP = rounding_rule(duration=(15, "up"))
# Whole local hours: the begin rounded down, the end up.
HOURS_OUT = rounding_rule(begin=(60, "down"), end=(60, "up"))


async def rule(seeder: DirectorySeeder, world: World, step: int, mode: str, place: str) -> None:
    """The workspace rounds one place."""
    await set_workspace_settings(
        seeder, world.workspace, rounding=rounding_rule(**{place: (step, mode)})
    )


def answered(rule: dict[str, Any], source: str = "workspace") -> dict[str, Any]:
    """An entry's `rounding` as the API states it."""
    return {**rule, "source": source}


async def summary(client: httpx.AsyncClient, world: World, **params: str) -> dict[str, Any]:
    response = await client.get(
        f"{world.base}/time-tracking/summary", params=params, headers=world.owner.headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_duration_up_bills_an_hour_and_keeps_the_raw_46_minutes(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await rule(seeder, world, 15, "up", "duration")
    entry = await create_entry(
        client,
        world,
        world.ada,
        started_at="2024-05-06T09:07:00",
        ended_at="2024-05-06T09:53:00",
        billable=True,
    )
    assert entry["started_at"] == "2024-05-06T07:07:00Z"
    assert entry["ended_at"] == "2024-05-06T07:53:00Z"
    assert entry["duration_seconds"] == 46 * 60
    assert entry["rounded_started_at"] == "2024-05-06T07:07:00Z"
    assert entry["rounded_ended_at"] == "2024-05-06T08:07:00Z"
    assert entry["rounded_duration_seconds"] == 3600
    assert entry["rounding"] == answered(QUARTER_UP)
    [event] = await outbox_of(sessionmaker, UUID(entry["id"]))
    assert (event["data"]["duration_seconds"], event["data"]["rounded_duration_seconds"]) == (
        46 * 60,
        3600,
    )
    totals = await summary(client, world, **{"from": "2024-05-06", "to": "2024-05-06"})
    assert (totals["total_seconds"], totals["billable_seconds"]) == (3600, 3600)
    fetched = await client.get(
        f"{world.base}/time-entries/{entry['id']}", headers=world.ada.headers
    )
    assert fetched.json()["rounded_duration_seconds"] == 3600


async def test_begin_rounds_on_the_users_local_clock_in_kolkata(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    settings = await client.put(
        f"{world.base}/time-tracking/settings",
        json={"timezone": "Asia/Kolkata"},
        headers=world.ada.headers,
    )
    assert settings.status_code == 200, settings.text
    await rule(seeder, world, 60, "down", "begin")
    begin = await create_entry(
        client, world, world.ada, started_at="2024-05-06T09:10:00", ended_at="2024-05-06T09:50:00"
    )
    # 09:00 local (+05:30) is 03:30 UTC; a UTC hour step would have given 03:00.
    assert begin["started_at"] == "2024-05-06T03:40:00Z"
    assert begin["rounded_started_at"] == "2024-05-06T03:30:00Z"
    assert begin["rounded_ended_at"] == "2024-05-06T04:20:00Z"
    assert begin["rounded_duration_seconds"] == 50 * 60
    await rule(seeder, world, 60, "up", "end")
    end = await create_entry(
        client, world, world.ada, started_at="2024-05-07T09:10:00", ended_at="2024-05-07T09:50:00"
    )
    assert end["rounded_started_at"] == "2024-05-07T03:40:00Z"
    assert end["rounded_ended_at"] == "2024-05-07T04:30:00Z"
    assert end["rounded_duration_seconds"] == 50 * 60


async def test_a_rule_change_touches_only_entries_written_after_it(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await rule(seeder, world, 15, "up", "duration")
    first = await create_entry(
        client, world, world.ada, started_at="2024-05-06T09:00:00", ended_at="2024-05-06T09:50:00"
    )
    await rule(seeder, world, 15, "down", "duration")
    second = await create_entry(
        client, world, world.ada, started_at="2024-05-06T10:00:00", ended_at="2024-05-06T10:50:00"
    )
    assert (first["rounded_duration_seconds"], second["rounded_duration_seconds"]) == (3600, 2700)
    # Changing the first entry's times rounds them again by the rule frozen on it.
    changed = await client.patch(
        f"{world.base}/time-entries/{first['id']}",
        json={"ended_at": "2024-05-06T09:31:00"},
        headers=world.ada.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["rounded_duration_seconds"] == 45 * 60
    assert changed.json()["rounding"] == answered(QUARTER_UP)
    totals = await summary(client, world, **{"from": "2024-05-06", "to": "2024-05-06"})
    assert totals["total_seconds"] == 45 * 60 + 45 * 60
    # Turning rounding off leaves the rounded figures of earlier entries alone.
    await set_workspace_settings(seeder, world.workspace)
    again = await client.get(f"{world.base}/time-entries/{second['id']}", headers=world.ada.headers)
    assert again.json()["rounded_duration_seconds"] == 2700
    third = await create_entry(
        client, world, world.ada, started_at="2024-05-06T11:00:00", ended_at="2024-05-06T11:07:00"
    )
    assert (third["rounded_duration_seconds"], third["rounding"]) == (7 * 60, answered(NO_ROUNDING))


async def test_a_rounding_to_zero_keeps_the_entry_and_counts_nothing(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await rule(seeder, world, 15, "nearest", "duration")
    entry = await create_entry(
        client,
        world,
        world.ada,
        started_at="2024-05-06T09:00:00",
        ended_at="2024-05-06T09:05:00",
        billable=True,
    )
    assert entry["duration_seconds"] == 300
    assert entry["rounded_duration_seconds"] == 0
    assert entry["rounded_started_at"] == entry["rounded_ended_at"] == "2024-05-06T07:00:00Z"
    totals = await summary(client, world, **{"from": "2024-05-06", "to": "2024-05-06"})
    assert (totals["total_seconds"], totals["billable_seconds"]) == (0, 0)
    # Once it grows past half a step it counts again.
    grown = await client.patch(
        f"{world.base}/time-entries/{entry['id']}",
        json={"ended_at": "2024-05-06T09:08:00"},
        headers=world.ada.headers,
    )
    assert grown.json()["rounded_duration_seconds"] == 900
    totals = await summary(client, world, **{"from": "2024-05-06", "to": "2024-05-06"})
    assert totals["total_seconds"] == 900


async def test_worklogs_round_their_duration_and_the_issue_summary_counts_it(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await rule(seeder, world, 15, "up", "duration")
    created = await client.post(
        f"{world.issue_url()}/worklogs",
        json={"duration_minutes": 20, "logged_at": "2024-05-06"},
        headers=world.ada.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["duration_minutes"] == 20
    entry = await client.get(
        f"{world.base}/time-entries/{created.json()['id']}", headers=world.ada.headers
    )
    body = entry.json()
    assert (body["duration_seconds"], body["rounded_duration_seconds"]) == (1200, 1800)
    assert body["rounded_started_at"] is None
    logged = await client.get(
        f"{world.base}/projects/{world.project.id}/worklogs/summary", headers=world.owner.headers
    )
    assert logged.json()["total_minutes"] == 30


async def test_a_timer_is_rounded_by_the_rule_in_force_when_it_started(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await rule(seeder, world, 15, "up", "duration")
    started = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.ada.headers,
    )
    assert started.status_code == 201, started.text
    # Frozen at the start, like the rate: a change while it runs rounds later entries only.
    await rule(seeder, world, 30, "up", "duration")
    await rewind_timer(sessionmaker, UUID(started.json()["id"]), 100)
    stopped = await client.post(f"{world.base}/timer/stop", headers=world.ada.headers)
    assert stopped.status_code == 200, stopped.text
    body = stopped.json()
    assert 100 <= body["duration_seconds"] < 160
    assert body["rounded_duration_seconds"] == 900
    assert body["rounding"] == answered(rounding_rule(duration=(15, "up")))

    # A project's own rule in force at the start wins over the workspace's.
    await seeder.update_project(world.project, rounding=rounding_rule(duration=(60, "up")))
    started = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.bob.headers,
    )
    await seeder.update_project(world.project, rounding=None)
    await rewind_timer(sessionmaker, UUID(started.json()["id"]), 100)
    stopped = await client.post(f"{world.base}/timer/stop", headers=world.bob.headers)
    assert stopped.json()["rounded_duration_seconds"] == 3600
    assert stopped.json()["rounding"] == answered(rounding_rule(duration=(60, "up")), "project")


async def test_in_kolkata_begin_down_and_end_up_at_once_bill_the_whole_local_hour(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    settings = await client.put(
        f"{world.base}/time-tracking/settings",
        json={"timezone": "Asia/Kolkata"},
        headers=world.ada.headers,
    )
    assert settings.status_code == 200, settings.text
    await set_workspace_settings(seeder, world.workspace, rounding=HOURS_OUT)
    entry = await create_entry(
        client, world, world.ada, started_at="2024-05-06T09:10:00", ended_at="2024-05-06T09:50:00"
    )
    # 09:10-09:50 in Kolkata (+05:30) is 03:40-04:20 UTC; 09:00-10:00 local is 03:30-04:30.
    assert (entry["started_at"], entry["ended_at"]) == (
        "2024-05-06T03:40:00Z",
        "2024-05-06T04:20:00Z",
    )
    assert (entry["rounded_started_at"], entry["rounded_ended_at"]) == (
        "2024-05-06T03:30:00Z",
        "2024-05-06T04:30:00Z",
    )
    assert (entry["duration_seconds"], entry["rounded_duration_seconds"]) == (40 * 60, 60 * 60)
    assert entry["rounding"] == answered(HOURS_OUT)


async def test_a_projects_own_rule_rounds_its_time_and_no_other_projects(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await set_workspace_settings(seeder, world.workspace, rounding=QUARTER_UP)
    other = await seeder.project(world.workspace, name="Gemini")
    await seeder.project_member(other, world.ada)
    await seeder.update_project(world.project, rounding=HOURS_OUT)
    times = {"started_at": "2024-05-06T09:10:00", "ended_at": "2024-05-06T09:50:00"}
    own = await create_entry(client, world, world.ada, **times)
    assert (own["rounded_started_at"], own["rounded_ended_at"]) == (
        "2024-05-06T07:00:00Z",
        "2024-05-06T08:00:00Z",
    )
    assert (own["rounded_duration_seconds"], own["rounding"]) == (
        3600,
        answered(HOURS_OUT, "project"),
    )
    response = await client.post(
        f"{world.base}/time-entries",
        json={
            "project_id": str(other.id),
            "started_at": "2024-05-06T10:10:00",
            "ended_at": "2024-05-06T10:50:00",
        },
        headers=world.ada.headers,
    )
    assert response.status_code == 201, response.text
    elsewhere = response.json()
    # The workspace's rule: the duration to the next quarter, the edges as they were.
    assert (elsewhere["rounded_started_at"], elsewhere["rounded_duration_seconds"]) == (
        "2024-05-06T08:10:00Z",
        45 * 60,
    )
    assert elsewhere["rounding"] == answered(QUARTER_UP)

    # A project rule that rounds nothing is still the project's: its time is not rounded.
    await seeder.update_project(world.project, rounding=NO_ROUNDING)
    unrounded = await create_entry(
        client, world, world.ada, started_at="2024-05-07T09:10:00", ended_at="2024-05-07T09:50:00"
    )
    assert unrounded["rounded_duration_seconds"] == 40 * 60
    assert unrounded["rounding"] == answered(NO_ROUNDING, "project")


async def test_clearing_a_projects_rule_returns_new_entries_to_the_workspaces(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await set_workspace_settings(seeder, world.workspace, rounding=QUARTER_UP)
    await seeder.update_project(world.project, rounding=HOURS_OUT)
    before = await create_entry(
        client, world, world.ada, started_at="2024-05-06T09:10:00", ended_at="2024-05-06T09:50:00"
    )
    await seeder.update_project(world.project, rounding=None)
    after = await create_entry(
        client, world, world.ada, started_at="2024-05-07T09:10:00", ended_at="2024-05-07T09:50:00"
    )
    assert (after["rounded_duration_seconds"], after["rounding"]) == (45 * 60, answered(QUARTER_UP))
    # The earlier entry keeps the project's rule, also when it changes later.
    changed = await client.patch(
        f"{world.base}/time-entries/{before['id']}",
        json={"ended_at": "2024-05-06T10:20:00"},
        headers=world.ada.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["rounding"] == answered(HOURS_OUT, "project")
    assert (changed.json()["rounded_ended_at"], changed.json()["rounded_duration_seconds"]) == (
        "2024-05-06T09:00:00Z",
        2 * 3600,
    )


async def test_the_export_shows_both_and_bills_the_rounded_hours(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await rule(seeder, world, 15, "up", "duration")
    await create_entry(
        client, world, world.ada, started_at="2024-05-06T09:07:00", ended_at="2024-05-06T09:53:00"
    )
    response = await client.get(f"{world.base}/time-entries/export", headers=world.ada.headers)
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert (row["duration_seconds"], row["duration_hours"]) == ("2760", "0.77")
    assert (row["rounded_duration_seconds"], row["rounded_hours"]) == ("3600", "1.00")
    assert (row["hourly_rate"], row["amount"]) == ("80.00", "80.00")
