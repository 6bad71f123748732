"""The CSV export of entries and duplicating an entry."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.timetracking.entries import export as export_module
from worksync.timetracking.entries.export import text_cell
from worksync.timetracking.testing import (
    Issues,
    World,
    arrange_world,
    create_entry,
    entries_of,
    outbox_of,
    outbox_size,
)


async def export(
    client: httpx.AsyncClient, world: World, person: SeededUser, **params: str
) -> list[dict[str, str]]:
    response = await client.get(
        f"{world.base}/time-entries/export", params=params, headers=person.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="time-entries.csv"'
    return list(csv.DictReader(io.StringIO(response.text)))


def duplicate_url(world: World, entry_id: str) -> str:
    return f"{world.base}/time-entries/{entry_id}/duplicate"


async def test_export_writes_the_columns_newest_first(
    client: httpx.AsyncClient, world: World
) -> None:
    timed = await create_entry(
        client,
        world,
        world.ada,
        started_at="2024-05-06T09:00:00",
        ended_at="2024-05-06T10:30:00",
        issue_id=str(world.issue_id),
        description="Design",
        tags=["a", "b"],
        billable=True,
    )
    dated = await create_entry(
        client, world, world.ada, work_date="2024-05-03", duration_seconds=1800
    )
    rows = await export(client, world, world.ada)
    assert [row["id"] for row in rows] == [timed["id"], dated["id"]]
    first, second = rows
    assert first == {
        "id": timed["id"],
        "date": "2024-05-06",
        "started_at": "2024-05-06T07:00:00Z",
        "ended_at": "2024-05-06T08:30:00Z",
        "duration_seconds": "5400",
        "duration_hours": "1.50",
        "rounded_duration_seconds": "5400",
        "rounded_hours": "1.50",
        "project_id": str(world.project.id),
        "issue_id": str(world.issue_id),
        "user_id": str(world.ada.id),
        "description": "Design",
        "billable": "true",
        "hourly_rate": "80.00",
        "currency": timed["currency"] or "",
        "amount": "120.00",
        "tags": "a;b",
        "source": "manual",
        "approval_state": "draft",
    }
    assert (second["started_at"], second["ended_at"], second["issue_id"]) == ("", "", "")
    assert (second["duration_hours"], second["amount"]) == ("0.50", "40.00")


async def test_export_filters_and_visibility(client: httpx.AsyncClient, world: World) -> None:
    ada = await create_entry(client, world, world.ada, work_date="2024-05-06", duration_seconds=60)
    bob = await create_entry(
        client, world, world.bob, work_date="2024-05-08", duration_seconds=60, billable=True
    )
    timer = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.ada.headers,
    )
    assert timer.status_code == 201, timer.text
    # Members see their own finished entries; the running timer is left out.
    assert [r["id"] for r in await export(client, world, world.ada)] == [ada["id"]]
    assert {r["id"] for r in await export(client, world, world.admin)} == {ada["id"], bob["id"]}
    filtered = {
        "billable": [bob["id"]],
        "user_id": [ada["id"]],
        "from": [bob["id"]],
        "to": [ada["id"]],
    }
    params = {
        "billable": "true",
        "user_id": str(world.ada.id),
        "from": "2024-05-07",
        "to": "2024-05-07",
    }
    for name, expected in filtered.items():
        rows = await export(client, world, world.admin, **{name: params[name]})
        assert [r["id"] for r in rows] == expected, name
    assert await export(client, world, world.admin, source="timer") == []
    guest = await client.get(f"{world.base}/time-entries/export", headers=world.guest.headers)
    assert_problem(guest, 403, "insufficient_role")
    bad = await client.get(
        f"{world.base}/time-entries/export",
        params={"from": "2024-05-09", "to": "2024-05-01"},
        headers=world.admin.headers,
    )
    assert bad.status_code == 422


async def test_export_neutralises_formulas(client: httpx.AsyncClient, world: World) -> None:
    await create_entry(
        client,
        world,
        world.ada,
        work_date="2024-05-06",
        duration_seconds=60,
        description='=HYPERLINK("http://x")',
        tags=["@home", "ok"],
    )
    [row] = await export(client, world, world.ada)
    assert row["description"] == '\'=HYPERLINK("http://x")'
    assert row["tags"] == "'@home;ok"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30", "'+49 30"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain - text", "plain - text"),
        ("", ""),
    ],
)
def test_text_cells_starting_like_formulas_get_an_apostrophe(value: str, cell: str) -> None:
    assert text_cell(value) == cell


async def test_export_streams_more_than_a_batch(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_module, "ROWS_PER_BATCH", 2)
    ids = [
        (
            await create_entry(
                client, world, world.ada, work_date=f"2024-05-0{day}", duration_seconds=60
            )
        )["id"]
        for day in range(1, 6)
    ]
    rows = await export(client, world, world.ada)
    assert [r["id"] for r in rows] == ids[::-1]


async def test_duplicate_a_duration_only_entry_today(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    source = await create_entry(
        client,
        world,
        world.ada,
        work_date="2024-05-06",
        duration_seconds=900,
        issue_id=str(world.issue_id),
        description="Review",
        tags=["x"],
        billable=True,
    )
    response = await client.post(duplicate_url(world, source["id"]), headers=world.ada.headers)
    assert response.status_code == 201, response.text
    copy = response.json()
    assert copy["id"] != source["id"]
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).date()
    assert copy["work_date"] == today.isoformat()
    assert (copy["started_at"], copy["ended_at"], copy["duration_seconds"]) == (None, None, 900)
    for name in ("project_id", "issue_id", "description", "billable", "tags", "hourly_rate"):
        assert copy[name] == source[name], name
    [event] = await outbox_of(sessionmaker, UUID(copy["id"]))
    assert event["type"] == "timetracking.entry.created"
    assert event["data"]["days"] == [{"date": today.isoformat(), "seconds": 900}]


async def test_duplicate_a_timed_entry_keeps_the_local_times(
    client: httpx.AsyncClient, world: World
) -> None:
    source = await create_entry(
        client, world, world.ada, started_at="2024-05-06T22:00:00", ended_at="2024-05-07T01:00:00"
    )
    response = await client.post(
        duplicate_url(world, source["id"]),
        json={"work_date": "2024-12-10"},
        headers=world.ada.headers,
    )
    assert response.status_code == 201, response.text
    copy = response.json()
    # Winter time in Berlin: UTC+1.
    assert (copy["started_at"], copy["ended_at"]) == (
        "2024-12-10T21:00:00Z",
        "2024-12-11T00:00:00Z",
    )
    assert (copy["work_date"], copy["duration_seconds"]) == ("2024-12-10", 10800)
    # The same place again overlaps.
    again = await client.post(
        duplicate_url(world, source["id"]),
        json={"work_date": "2024-12-10"},
        headers=world.ada.headers,
    )
    assert_problem(again, 409, "entry_overlaps")


async def test_duplicate_is_idempotent(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    source = await create_entry(
        client, world, world.ada, work_date="2024-05-06", duration_seconds=60
    )
    headers = {**world.ada.headers, "Idempotency-Key": "dup-1"}
    first = await client.post(duplicate_url(world, source["id"]), json={}, headers=headers)
    second = await client.post(duplicate_url(world, source["id"]), json={}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert len(await entries_of(sessionmaker, world.ada.id)) == 2


async def test_duplicate_refusals_write_nothing(
    client: httpx.AsyncClient,
    world: World,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    source = await create_entry(
        client, world, world.ada, work_date="2024-05-06", duration_seconds=60
    )
    timer = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.ada.headers,
    )
    before = await outbox_size(sessionmaker)
    url = duplicate_url(world, source["id"])
    # Someone else's entry is not there for a member.
    assert_problem(await client.post(url, headers=world.bob.headers), 404, "time_entry_not_found")
    assert_problem(
        await client.post(duplicate_url(world, timer.json()["id"]), headers=world.ada.headers),
        409,
        "entry_is_running",
    )
    future = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    for body in ({"work_date": "nope"}, {"extra": 1}, {"work_date": future}):
        response = await client.post(url, json=body, headers=world.ada.headers)
        assert response.status_code == 422, (body, response.text)
    await seeder.update_project(world.project, is_time_tracking_enabled=False)
    assert_problem(await client.post(url, headers=world.ada.headers), 409, "time_tracking_disabled")
    assert len(await entries_of(sessionmaker, world.ada.id)) == 2
    assert await outbox_size(sessionmaker) == before


async def test_another_workspaces_entry_is_not_found(
    client: httpx.AsyncClient, world: World, seeder: DirectorySeeder, issues: Issues
) -> None:
    other = await arrange_world(seeder, issues)
    theirs = await create_entry(
        client, other, other.ada, work_date="2024-05-06", duration_seconds=60
    )
    response = await client.post(duplicate_url(world, theirs["id"]), headers=world.admin.headers)
    assert_problem(response, 404, "time_entry_not_found")
