"""Reading, listing, changing and deleting entries: who sees what, and the events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.timetracking.testing import World, create_entry, entries_of, outbox_of, outbox_size


async def timed(
    client: httpx.AsyncClient, world: World, person: SeededUser, day: str
) -> dict[str, Any]:
    return await create_entry(
        client, world, person, started_at=f"{day}T09:00:00", ended_at=f"{day}T10:00:00"
    )


async def test_members_see_their_own_and_admins_everyones(
    client: httpx.AsyncClient, world: World, seeder: DirectorySeeder
) -> None:
    ada_entry = await timed(client, world, world.ada, "2024-05-06")
    bob_entry = await timed(client, world, world.bob, "2024-05-06")
    url = f"{world.base}/time-entries"
    mine = await client.get(url, headers=world.ada.headers)
    assert [e["id"] for e in mine.json()["items"]] == [ada_entry["id"]]
    everyone = await client.get(url, headers=world.admin.headers)
    assert {e["id"] for e in everyone.json()["items"]} == {ada_entry["id"], bob_entry["id"]}
    hidden = await client.get(f"{url}/{bob_entry['id']}", headers=world.ada.headers)
    assert_problem(hidden, 404, "time_entry_not_found")
    assert_problem(
        await client.patch(
            f"{url}/{bob_entry['id']}", json={"description": "x"}, headers=world.ada.headers
        ),
        404,
        "time_entry_not_found",
    )
    assert_problem(await client.get(url, headers=world.guest.headers), 403, "insufficient_role")
    # A project admin sees the project's entries.
    await seeder.project_member(world.project, world.ada, role="admin", verb="updated")
    seen = await client.get(url, headers=world.ada.headers)
    assert {e["id"] for e in seen.json()["items"]} == {ada_entry["id"], bob_entry["id"]}
    got = await client.get(f"{url}/{bob_entry['id']}", headers=world.ada.headers)
    assert got.status_code == 200


async def test_filters_sorts_and_pages(
    client: httpx.AsyncClient, world: World, seeder: DirectorySeeder
) -> None:
    other = await seeder.project(world.workspace)
    days = ["2024-05-01", "2024-05-03", "2024-05-02", "2024-05-05", "2024-05-04"]
    created = [await timed(client, world, world.ada, day) for day in days]
    logged = await create_entry(
        client,
        world,
        world.ada,
        work_date="2024-05-03",
        duration_seconds=60,
        issue_id=str(world.issue_id),
        billable=True,
    )
    elsewhere = await create_entry(
        client,
        world,
        world.ada,
        project_id=str(other.id),
        work_date="2024-05-09",
        duration_seconds=60,
    )
    url = f"{world.base}/time-entries"

    async def ids(**params: Any) -> list[str]:
        response = await client.get(url, params=params, headers=world.ada.headers)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    by_day = {e["id"]: e["work_date"] for e in [*created, logged, elsewhere]}
    newest = await ids()
    assert newest[0] == elsewhere["id"]
    assert [by_day[i] for i in newest] == sorted(by_day[i] for i in newest)[::-1]
    assert await ids(project_id=str(other.id)) == [elsewhere["id"]]
    assert await ids(issue_id=str(world.issue_id)) == [logged["id"]]
    assert await ids(billable="true") == [logged["id"]]
    assert await ids(source="manual", user_id=str(world.bob.id)) == []
    ranged = await ids(**{"from": "2024-05-02", "to": "2024-05-03", "sort": "work_date"})
    assert [by_day[i] for i in ranged] == ["2024-05-02", "2024-05-03", "2024-05-03"]
    assert await ids(sort="created_at") == [e["id"] for e in [*created, logged, elsewhere]]
    # Pages continue exactly where the previous one ended.
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "sort": "-work_date"}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get(url, params=params, headers=world.ada.headers)).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == await ids(sort="-work_date", limit=100)
    assert len(seen) == 7


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"limit": 0}, "validation_failed", "limit"),
        ({"limit": 101}, "validation_failed", "limit"),
        ({"sort": "title"}, "validation_failed", "sort"),
        ({"from": "2024-05-03", "to": "2024-05-01"}, "validation_failed", "to"),
        ({"project_id": "nope"}, "validation_failed", "project_id"),
        ({"source": "magic"}, "validation_failed", "source"),
    ],
)
async def test_bad_list_parameters(
    client: httpx.AsyncClient, world: World, params: dict[str, Any], code: str, field: str
) -> None:
    response = await client.get(
        f"{world.base}/time-entries", params=params, headers=world.ada.headers
    )
    assert_problem(response, 422, code, fields={field})


async def test_a_bad_cursor_is_400(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        f"{world.base}/time-entries", params={"cursor": "garbage"}, headers=world.ada.headers
    )
    assert_problem(response, 400, "invalid_cursor")


async def test_changes_and_deletion_are_recorded_with_rising_sequences(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    entry = await timed(client, world, world.ada, "2024-05-06")
    url = f"{world.base}/time-entries/{entry['id']}"
    changed = await client.patch(
        url,
        json={
            "ended_at": "2024-05-07T01:00:00",
            "description": "Long day",
            "tags": ["a"],
            "issue_id": str(world.issue_id),
        },
        headers=world.ada.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["duration_seconds"], body["version"], body["tags"]) == (16 * 3600, 2, ["a"])
    assert body["issue_id"] == str(world.issue_id)
    own_rate = await client.patch(url, json={"hourly_rate": None}, headers=world.ada.headers)
    assert_problem(own_rate, 403, "insufficient_role")
    by_admin = await client.patch(
        url, json={"hourly_rate": "99.00", "issue_id": None}, headers=world.admin.headers
    )
    assert by_admin.json()["hourly_rate"] == "99.00"
    assert by_admin.json()["issue_id"] is None
    assert (await client.delete(url, headers=world.bob.headers)).status_code == 404
    assert (await client.delete(url, headers=world.ada.headers)).status_code == 204
    assert (await client.get(url, headers=world.ada.headers)).status_code == 404
    events = await outbox_of(sessionmaker, UUID(entry["id"]))
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("timetracking.entry.created", 1),
        ("timetracking.entry.updated", 2),
        ("timetracking.entry.updated", 3),
        ("timetracking.entry.deleted", 4),
    ]
    assert events[1]["data"]["days"] == [
        {"date": "2024-05-06", "seconds": 15 * 3600},
        {"date": "2024-05-07", "seconds": 3600},
    ]
    assert events[3]["data"]["hourly_rate"] == "99.00"


async def test_a_change_that_changes_nothing_records_nothing(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    entry = await timed(client, world, world.ada, "2024-05-06")
    url = f"{world.base}/time-entries/{entry['id']}"
    same = {
        "started_at": "2024-05-06T09:00:00",
        "ended_at": "2024-05-06T08:00:00Z",
        "description": entry["description"],
        "billable": entry["billable"],
        "tags": entry["tags"],
        "issue_id": None,
    }
    unchanged = await client.patch(url, json=same, headers=world.ada.headers)
    assert unchanged.status_code == 200, unchanged.text
    assert unchanged.json()["version"] == 1
    rate = await client.patch(url, json={"hourly_rate": None}, headers=world.admin.headers)
    assert rate.json()["version"] == 1
    changed = await client.patch(url, json={"billable": True}, headers=world.ada.headers)
    assert changed.json()["version"] == 2
    events = await outbox_of(sessionmaker, UUID(entry["id"]))
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("timetracking.entry.created", 1),
        ("timetracking.entry.updated", 2),
    ]


@pytest.mark.parametrize(
    ("change", "code", "fields"),
    [
        ({"work_date": "2024-05-07"}, "validation_failed", {"work_date"}),
        ({"ended_at": "2024-05-06T08:00:00"}, "validation_failed", {"ended_at"}),
        ({"description": None}, "validation_failed", {"description"}),
        ({"started_at": "2024-03-31T02:15:00"}, "nonexistent_local_time", {"started_at"}),
        ({"duration_seconds": 0}, "validation_failed", {"duration_seconds"}),
        ({"project_id": "x"}, "validation_failed", {"project_id"}),
    ],
)
async def test_bad_changes_are_422_and_change_nothing(
    client: httpx.AsyncClient,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    change: dict[str, Any],
    code: str,
    fields: set[str],
) -> None:
    entry = await timed(client, world, world.ada, "2024-05-06")
    before = await outbox_size(sessionmaker)
    url = f"{world.base}/time-entries/{entry['id']}"
    assert_problem(
        await client.patch(url, json=change, headers=world.ada.headers), 422, code, fields=fields
    )
    [stored] = await entries_of(sessionmaker, world.ada.id)
    assert (stored.version, stored.duration_seconds) == (1, 3600)
    assert await outbox_size(sessionmaker) == before


async def test_a_change_into_another_entry_is_409(client: httpx.AsyncClient, world: World) -> None:
    await timed(client, world, world.ada, "2024-05-06")
    later = await create_entry(
        client, world, world.ada, started_at="2024-05-06T11:00:00", ended_at="2024-05-06T12:00:00"
    )
    response = await client.patch(
        f"{world.base}/time-entries/{later['id']}",
        json={"started_at": "2024-05-06T09:30:00"},
        headers=world.ada.headers,
    )
    assert_problem(response, 409, "entry_overlaps")


async def test_duration_only_entries_change_date_and_duration(
    client: httpx.AsyncClient, world: World
) -> None:
    entry = await create_entry(
        client, world, world.ada, work_date="2024-05-06", duration_seconds=60
    )
    url = f"{world.base}/time-entries/{entry['id']}"
    wrong = await client.patch(
        url, json={"started_at": "2024-05-06T09:00:00"}, headers=world.ada.headers
    )
    assert_problem(wrong, 422, "validation_failed", fields={"started_at"})
    changed = await client.patch(
        url, json={"work_date": "2024-05-08", "duration_seconds": 120}, headers=world.ada.headers
    )
    assert (changed.json()["work_date"], changed.json()["duration_seconds"]) == ("2024-05-08", 120)
    unchanged = await client.patch(url, json={}, headers=world.ada.headers)
    assert unchanged.json()["version"] == 2


async def test_entries_of_an_archived_project_are_read_only(
    client: httpx.AsyncClient, world: World, seeder: DirectorySeeder
) -> None:
    entry = await timed(client, world, world.ada, "2024-05-06")
    await seeder.update_project(world.project, archived_at=datetime(2026, 1, 1, tzinfo=UTC))
    url = f"{world.base}/time-entries/{entry['id']}"
    assert (await client.get(url, headers=world.ada.headers)).status_code == 200
    patched = await client.patch(url, json={"description": "x"}, headers=world.ada.headers)
    assert_problem(patched, 409, "project_archived")
    assert_problem(await client.delete(url, headers=world.admin.headers), 409, "project_archived")
