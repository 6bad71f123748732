"""Creating entries: the two shapes, time zones, validation, rates, rules and events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.timetracking.testing import (
    World,
    entries_of,
    outbox_of,
    outbox_size,
)


async def create(
    client: httpx.AsyncClient, world: World, person: SeededUser, **body: Any
) -> httpx.Response:
    payload = {"project_id": str(world.project.id), **body}
    return await client.post(f"{world.base}/time-entries", json=payload, headers=person.headers)


async def test_naive_times_are_local_and_the_fall_back_night_lasts_five_hours(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await create(
        client,
        world,
        world.ada,
        started_at="2024-10-27T00:00:00",
        ended_at="2024-10-27T04:00:00",
        description="Night shift",
        tags=["ops"],
    )
    assert response.status_code == 201, response.text
    entry = response.json()
    assert entry["started_at"] == "2024-10-26T22:00:00Z"
    assert entry["ended_at"] == "2024-10-27T03:00:00Z"
    assert entry["duration_seconds"] == 18000
    assert entry["work_date"] == "2024-10-27"
    assert entry["timezone"] == "Europe/Berlin"
    assert (entry["source"], entry["approval_state"], entry["version"]) == ("manual", "draft", 1)
    [event] = await outbox_of(sessionmaker, UUID(entry["id"]))
    assert event["type"] == "timetracking.entry.created"
    assert event["source"] == "worksync/timetracking"
    assert event["sequence"] == 1
    assert event["workspaceid"] == str(world.workspace.id)
    assert event["actorid"] == str(world.ada.id)
    data = event["data"]
    assert data["entry_id"] == entry["id"]
    assert data["days"] == [{"date": "2024-10-27", "seconds": 18000}]
    assert data["duration_seconds"] == 18000
    assert (data["hourly_rate"], data["currency"]) == ("80.00", "EUR")
    assert data["started_at"].startswith("2024-10-26T22:00:00")
    assert set(data) == {
        "entry_id",
        "workspace_id",
        "project_id",
        "issue_id",
        "user_id",
        "description",
        "work_date",
        "started_at",
        "ended_at",
        "duration_seconds",
        "rounded_started_at",
        "rounded_ended_at",
        "rounded_duration_seconds",
        "days",
        "billable",
        "hourly_rate",
        "currency",
        "source",
        "approval_state",
    }


async def test_an_entry_across_midnight_has_two_days_in_its_event(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await create(
        client, world, world.ada, started_at="2024-05-06T22:00:00", ended_at="2024-05-07T02:00:00"
    )
    assert response.status_code == 201, response.text
    [event] = await outbox_of(sessionmaker, UUID(response.json()["id"]))
    assert event["data"]["work_date"] == "2024-05-06"
    assert event["data"]["days"] == [
        {"date": "2024-05-06", "seconds": 7200},
        {"date": "2024-05-07", "seconds": 7200},
    ]


async def test_offsets_are_taken_as_given_and_ambiguous_times_mean_the_first(
    client: httpx.AsyncClient, world: World
) -> None:
    given = await create(
        client,
        world,
        world.ada,
        started_at="2024-03-10T09:00:00+05:00",
        ended_at="2024-03-10T10:30:00+05:00",
    )
    assert given.status_code == 201, given.text
    assert given.json()["started_at"] == "2024-03-10T04:00:00Z"
    assert given.json()["duration_seconds"] == 5400
    # 02:30 happens twice in Berlin on 2024-10-27: the first time is still summer time.
    ambiguous = await create(
        client, world, world.bob, started_at="2024-10-27T02:30:00", ended_at="2024-10-27T03:30:00"
    )
    assert ambiguous.status_code == 201, ambiguous.text
    assert ambiguous.json()["started_at"] == "2024-10-27T00:30:00Z"
    assert ambiguous.json()["duration_seconds"] == 7200


async def test_a_duration_on_a_date(client: httpx.AsyncClient, world: World) -> None:
    response = await create(
        client, world, world.ada, work_date="2024-05-06", duration_seconds=5400, billable=True
    )
    assert response.status_code == 201, response.text
    entry = response.json()
    assert (entry["started_at"], entry["ended_at"]) == (None, None)
    assert (entry["work_date"], entry["duration_seconds"], entry["billable"]) == (
        "2024-05-06",
        5400,
        True,
    )


def _future(hours: int) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0).isoformat()


@pytest.mark.parametrize(
    ("body", "code", "fields"),
    [
        (
            {"started_at": "2024-03-31T02:30:00", "ended_at": "2024-03-31T04:00:00"},
            "nonexistent_local_time",
            {"started_at"},
        ),
        ({"started_at": "2024-05-06T10:00:00"}, "validation_failed", {"ended_at"}),
        ({"duration_seconds": 60}, "validation_failed", {"work_date"}),
        ({}, "validation_failed", {"started_at", "work_date"}),
        (
            {
                "started_at": "2024-05-06T10:00:00",
                "ended_at": "2024-05-06T11:00:00",
                "work_date": "2024-05-06",
            },
            "validation_failed",
            {"work_date"},
        ),
        (
            {"started_at": "2024-05-06T10:00:00", "ended_at": "2024-05-06T10:00:00"},
            "validation_failed",
            {"ended_at"},
        ),
        (
            {"started_at": "2024-05-06T10:00:00", "ended_at": "2024-05-06T09:00:00"},
            "validation_failed",
            {"ended_at"},
        ),
        ({"started_at": _future(25), "ended_at": _future(26)}, "entry_in_future", {"ended_at"}),
        ({"work_date": "2999-01-01", "duration_seconds": 60}, "entry_in_future", {"work_date"}),
        (
            {"work_date": "2024-05-06", "duration_seconds": 0},
            "validation_failed",
            {"duration_seconds"},
        ),
        (
            {"work_date": "2024-05-06", "duration_seconds": 86401},
            "validation_failed",
            {"duration_seconds"},
        ),
        (
            {"work_date": "2024-05-06", "duration_seconds": 60, "colour": "red"},
            "validation_failed",
            {"colour"},
        ),
        (
            {"work_date": "2024-05-06", "duration_seconds": 60, "tags": [""]},
            "validation_failed",
            {"tags.0"},
        ),
        ({"work_date": "someday", "duration_seconds": 60}, "validation_failed", {"work_date"}),
        # The ends of the calendar: no overflow converting them between zones (was a 500).
        (
            {"started_at": "0001-01-01T00:00:00", "ended_at": "0001-01-01T01:00:00"},
            "validation_failed",
            {"started_at"},
        ),
        (
            {"started_at": "0001-01-01T00:00:00Z", "ended_at": "0001-01-01T01:00:00Z"},
            "validation_failed",
            {"started_at"},
        ),
        (
            {"started_at": "9999-12-31T22:00:00-05:00", "ended_at": "9999-12-31T23:00:00-05:00"},
            "validation_failed",
            {"started_at"},
        ),
        ({"work_date": "0001-01-01", "duration_seconds": 60}, "validation_failed", {"work_date"}),
        ({"work_date": "9999-12-31", "duration_seconds": 60}, "validation_failed", {"work_date"}),
        (
            {"work_date": "2024-05-06", "duration_seconds": 60, "hourly_rate": "-1"},
            "validation_failed",
            {"hourly_rate"},
        ),
    ],
)
async def test_bad_input_is_422_and_writes_nothing(
    client: httpx.AsyncClient,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    body: dict[str, Any],
    code: str,
    fields: set[str],
) -> None:
    before = await outbox_size(sessionmaker)
    response = await create(client, world, world.ada, **body)
    assert_problem(response, 422, code, fields=fields)
    assert await entries_of(sessionmaker, world.ada.id) == []
    assert await outbox_size(sessionmaker) == before


async def test_overlapping_entries_are_409_and_touching_ones_fine(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = await create(
        client, world, world.ada, started_at="2024-05-06T09:00:00", ended_at="2024-05-06T12:00:00"
    )
    assert first.status_code == 201
    before = await outbox_size(sessionmaker)
    overlapping = await create(
        client, world, world.ada, started_at="2024-05-06T11:59:00", ended_at="2024-05-06T13:00:00"
    )
    assert_problem(overlapping, 409, "entry_overlaps")
    assert await outbox_size(sessionmaker) == before
    touching = await create(
        client, world, world.ada, started_at="2024-05-06T12:00:00", ended_at="2024-05-06T13:00:00"
    )
    assert touching.status_code == 201, touching.text
    # Another user's time may overlap.
    other = await create(
        client, world, world.bob, started_at="2024-05-06T09:00:00", ended_at="2024-05-06T12:00:00"
    )
    assert other.status_code == 201
    assert len(await entries_of(sessionmaker, world.ada.id)) == 2


async def test_concurrent_overlapping_creates_leave_exactly_one(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    bodies = [
        {"started_at": f"2024-06-03T09:0{n}:00", "ended_at": f"2024-06-03T10:0{n}:00"}
        for n in range(8)
    ]
    responses = await asyncio.gather(*(create(client, world, world.ada, **b) for b in bodies))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 7, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409, "entry_overlaps")
    assert len(await entries_of(sessionmaker, world.ada.id)) == 1


async def test_roles_decide_whose_time_may_be_logged(
    client: httpx.AsyncClient, world: World, seeder: DirectorySeeder
) -> None:
    duration = {"work_date": "2024-05-06", "duration_seconds": 600}
    assert_problem(await create(client, world, world.guest, **duration), 403, "insufficient_role")
    for_bob = {**duration, "user_id": str(world.bob.id)}
    assert_problem(await create(client, world, world.ada, **for_bob), 403, "insufficient_role")
    by_admin = await create(client, world, world.admin, **for_bob)
    assert by_admin.status_code == 201, by_admin.text
    assert by_admin.json()["user_id"] == str(world.bob.id)
    stranger = seeder.user("Stan Stranger")
    for user_id in (stranger.id, world.guest.id):
        assert_problem(
            await create(client, world, world.admin, **duration, user_id=str(user_id)),
            422,
            "unknown_reference",
            fields={"user_id"},
        )
    # A project admin (not a workspace admin) may log for the project's people.
    await seeder.project_member(world.project, world.ada, role="admin", verb="updated")
    assert (await create(client, world, world.ada, **for_bob)).status_code == 201
    rated = await create(client, world, world.bob, **duration, hourly_rate="10.00")
    assert_problem(rated, 403, "insufficient_role")


async def test_an_admin_logs_time_for_a_member_added_a_moment_ago(
    client: httpx.AsyncClient,
    world: World,
    seeder: DirectorySeeder,
    workspace_api: FakeWorkspaceApi,
) -> None:
    # The workspace service has them; their event has not reached the projection yet.
    newcomer, guest = seeder.user("Nia Newcomer"), seeder.user("Gil Guest")
    workspace_api.add_member(world.workspace, newcomer)
    workspace_api.add_member(world.workspace, guest, role="guest")
    duration = {"work_date": "2024-05-06", "duration_seconds": 600}
    created = await create(client, world, world.admin, **duration, user_id=str(newcomer.id))
    assert created.status_code == 201, created.text
    assert created.json()["user_id"] == str(newcomer.id)
    assert_problem(
        await create(client, world, world.admin, **duration, user_id=str(guest.id)),
        422,
        "unknown_reference",
        fields={"user_id"},
    )


async def test_rates_resolve_and_freeze(
    client: httpx.AsyncClient, world: World, seeder: DirectorySeeder
) -> None:
    async def rate_of(person: SeededUser, day: str, **body: Any) -> tuple[str | None, str | None]:
        response = await create(client, world, person, work_date=day, duration_seconds=600, **body)
        assert response.status_code == 201, response.text
        return response.json()["hourly_rate"], response.json()["currency"]

    assert await rate_of(world.ada, "2024-05-01") == ("80.00", "EUR")
    await seeder.project_member(world.project, world.ada, hourly_rate="95.50", verb="updated")
    assert await rate_of(world.ada, "2024-05-02") == ("95.50", "EUR")
    assert await rate_of(
        world.admin, "2024-05-02", user_id=str(world.ada.id), hourly_rate="120.00"
    ) == ("120.00", "EUR")
    await seeder.update_project(world.project, default_hourly_rate=None)
    assert await rate_of(world.bob, "2024-05-03") == (None, None)
    settings = {"timezone": None, "default_hourly_rate": "42.00"}
    put = await client.put(
        f"{world.base}/time-tracking/settings", json=settings, headers=world.bob.headers
    )
    assert put.status_code == 200, put.text
    assert await rate_of(world.bob, "2024-05-04") == ("42.00", "EUR")
    listed = await client.get(
        f"{world.base}/time-entries",
        params={"user_id": str(world.ada.id), "sort": "work_date"},
        headers=world.admin.headers,
    )
    # Written rates stay as they were.
    assert [e["hourly_rate"] for e in listed.json()["items"]] == ["80.00", "95.50", "120.00"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"is_time_tracking_enabled": False}, "time_tracking_disabled"),
        ({"archived_at": datetime(2026, 1, 1, tzinfo=UTC)}, "project_archived"),
    ],
)
async def test_closed_projects_refuse_time(
    client: httpx.AsyncClient,
    world: World,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
    change: dict[str, Any],
    code: str,
) -> None:
    await seeder.update_project(world.project, **change)
    before = await outbox_size(sessionmaker)
    duration = {"work_date": "2024-05-06", "duration_seconds": 600}
    assert_problem(await create(client, world, world.admin, **duration), 409, code)
    worklog = await client.post(
        f"{world.issue_url()}/worklogs", json={"duration_minutes": 5}, headers=world.ada.headers
    )
    assert_problem(worklog, 409, code)
    timer = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.ada.headers,
    )
    assert_problem(timer, 409, code)
    assert await outbox_size(sessionmaker) == before


async def test_the_issue_must_belong_to_the_project(
    client: httpx.AsyncClient, world: World, seeder: DirectorySeeder
) -> None:
    other_project = await seeder.project(world.workspace)
    duration = {"work_date": "2024-05-06", "duration_seconds": 600}
    moved = await create(
        client,
        world,
        world.ada,
        **duration,
        project_id=str(other_project.id),
        issue_id=str(world.issue_id),
    )
    assert_problem(moved, 404, "issue_not_found")
    ok = await create(client, world, world.ada, **duration, issue_id=str(world.issue_id))
    assert ok.status_code == 201
    assert ok.json()["issue_id"] == str(world.issue_id)


async def test_required_descriptions(client: httpx.AsyncClient, world: World) -> None:
    settings = {"require_description": True, "default_billable": True}
    await client.put(
        f"{world.base}/time-tracking/settings", json=settings, headers=world.ada.headers
    )
    duration = {"work_date": "2024-05-06", "duration_seconds": 600}
    assert_problem(
        await create(client, world, world.ada, **duration, description="  "),
        422,
        "validation_failed",
        fields={"description"},
    )
    described = await create(client, world, world.ada, **duration, description="Review")
    assert described.status_code == 201
    assert described.json()["billable"] is True


async def test_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    headers = {**world.ada.headers, "Idempotency-Key": f"key-{world.ada.id}"}
    body = {"project_id": str(world.project.id), "work_date": "2024-05-06", "duration_seconds": 60}
    first = await client.post(f"{world.base}/time-entries", json=body, headers=headers)
    again = await client.post(f"{world.base}/time-entries", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post(
        f"{world.base}/time-entries", json={**body, "duration_seconds": 61}, headers=headers
    )
    assert_problem(other, 422, "idempotency_key_reused")
    assert len(await entries_of(sessionmaker, world.ada.id)) == 1
