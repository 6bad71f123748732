"""Breaks through the API: inside the entry's span, never overlapping; unpaid ones reduce
the worked (and rounded) duration, paid ones do not; the rules of an entry change hold."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.timetracking.testing import (
    World,
    create_entry,
    outbox_of,
    rounding_rule,
    set_workspace_settings,
)


def breaks_url(world: World, entry: dict[str, Any]) -> str:
    return f"{world.base}/time-entries/{entry['id']}/breaks"


async def nine_to_twelve(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    return await create_entry(
        client, world, world.ada, started_at="2024-05-06T09:00:00", ended_at="2024-05-06T12:00:00"
    )


async def test_unpaid_breaks_reduce_the_worked_time_paid_ones_do_not(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await set_workspace_settings(
        seeder,
        world.workspace,
        rounding=rounding_rule(duration=(15, "up")),
    )
    entry = await nine_to_twelve(client, world)
    url = breaks_url(world, entry)
    unpaid = await client.post(
        url,
        json={"started_at": "2024-05-06T10:00:00", "ended_at": "2024-05-06T10:20:00"},
        headers=world.ada.headers,
    )
    assert unpaid.status_code == 201, unpaid.text
    body = unpaid.json()
    assert (body["duration_seconds"], body["rounded_duration_seconds"]) == (9600, 9900)
    [pause] = body["breaks"]
    assert (pause["started_at"], pause["is_paid"]) == ("2024-05-06T08:00:00Z", False)
    paid = await client.post(
        url,
        json={
            "started_at": "2024-05-06T11:00:00",
            "ended_at": "2024-05-06T11:15:00",
            "is_paid": True,
        },
        headers=world.ada.headers,
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["duration_seconds"] == 9600
    listed = await client.get(url, headers=world.ada.headers)
    assert [b["is_paid"] for b in listed.json()["breaks"]] == [False, True]
    removed = await client.delete(f"{url}/{pause['id']}", headers=world.ada.headers)
    assert removed.status_code == 204, removed.text
    fetched = await client.get(
        f"{world.base}/time-entries/{entry['id']}", headers=world.ada.headers
    )
    assert fetched.json()["duration_seconds"] == 3 * 3600
    events = await outbox_of(sessionmaker, UUID(entry["id"]))
    assert [e["data"]["duration_seconds"] for e in events] == [10800, 9600, 10800]


async def test_bad_breaks_are_refused(client: httpx.AsyncClient, world: World) -> None:
    entry = await nine_to_twelve(client, world)
    url = breaks_url(world, entry)
    first = await client.post(
        url,
        json={"started_at": "2024-05-06T10:00:00", "ended_at": "2024-05-06T10:30:00"},
        headers=world.ada.headers,
    )
    assert first.status_code == 201, first.text
    for times, status, field in (
        (("2024-05-06T08:59:00", "2024-05-06T09:30:00"), 422, "started_at"),
        (("2024-05-06T11:30:00", "2024-05-06T12:00:01"), 422, "started_at"),
        (("2024-05-06T11:30:00", "2024-05-06T11:30:00"), 422, "ended_at"),
        (("2024-03-31T02:30:00", "2024-05-06T11:30:00"), 422, "started_at"),
    ):
        response = await client.post(
            url, json={"started_at": times[0], "ended_at": times[1]}, headers=world.ada.headers
        )
        assert response.status_code == status, response.text
        assert response.json()["errors"][0]["field"].endswith(field), response.text
    overlapping = await client.post(
        url,
        json={"started_at": "2024-05-06T10:29:00", "ended_at": "2024-05-06T10:45:00"},
        headers=world.ada.headers,
    )
    assert_problem(overlapping, 409, "breaks_overlap")
    touching = await client.post(
        url,
        json={"started_at": "2024-05-06T10:30:00", "ended_at": "2024-05-06T10:45:00"},
        headers=world.ada.headers,
    )
    assert touching.status_code == 201, touching.text
    everything = await client.post(
        url,
        json={"started_at": "2024-05-06T09:00:00", "ended_at": "2024-05-06T10:00:00"},
        headers=world.ada.headers,
    )
    assert everything.status_code == 201, everything.text
    nothing_left = await client.post(
        url,
        json={"started_at": "2024-05-06T10:45:00", "ended_at": "2024-05-06T12:00:00"},
        headers=world.ada.headers,
    )
    assert nothing_left.status_code == 422
    dated = await create_entry(
        client, world, world.ada, work_date="2024-05-07", duration_seconds=60
    )
    assert_problem(
        await client.post(
            breaks_url(world, dated),
            json={"started_at": "2024-05-07T10:00:00", "ended_at": "2024-05-07T10:01:00"},
            headers=world.ada.headers,
        ),
        409,
        "entry_has_no_times",
    )
    missing = await client.delete(f"{url}/{dated['id']}", headers=world.ada.headers)
    assert missing.status_code == 404


async def test_a_break_is_not_removed_without_times_or_once_submitted(
    client: httpx.AsyncClient, world: World
) -> None:
    dated = await create_entry(
        client, world, world.ada, work_date="2024-05-07", duration_seconds=60
    )
    assert_problem(
        await client.delete(f"{breaks_url(world, dated)}/{new_id()}", headers=world.ada.headers),
        409,
        "entry_has_no_times",
    )
    entry = await nine_to_twelve(client, world)
    url = breaks_url(world, entry)
    added = await client.post(
        url,
        json={"started_at": "2024-05-06T10:00:00", "ended_at": "2024-05-06T10:30:00"},
        headers=world.ada.headers,
    )
    assert added.status_code == 201, added.text
    submitted = await client.post(
        f"{world.base}/timesheets/submit", json={"date": "2024-05-06"}, headers=world.ada.headers
    )
    assert submitted.status_code == 200, submitted.text
    [pause] = added.json()["breaks"]
    assert_problem(
        await client.delete(f"{url}/{pause['id']}", headers=world.ada.headers),
        409,
        "timesheet_submitted",
    )
    assert (await client.get(url, headers=world.ada.headers)).json() == added.json()


async def test_who_may_and_when(client: httpx.AsyncClient, world: World) -> None:
    entry = await nine_to_twelve(client, world)
    url = breaks_url(world, entry)
    body = {"started_at": "2024-05-06T10:00:00", "ended_at": "2024-05-06T10:10:00"}
    assert (await client.post(url, json=body, headers=world.bob.headers)).status_code == 404
    assert (await client.get(url, headers=world.bob.headers)).status_code == 404
    by_admin = await client.post(url, json=body, headers=world.admin.headers)
    assert by_admin.status_code == 201, by_admin.text
    submitted = await client.post(
        f"{world.base}/timesheets/submit", json={"date": "2024-05-06"}, headers=world.ada.headers
    )
    assert submitted.status_code == 200, submitted.text
    later = {"started_at": "2024-05-06T11:00:00", "ended_at": "2024-05-06T11:10:00"}
    assert_problem(
        await client.post(url, json=later, headers=world.ada.headers), 409, "timesheet_submitted"
    )
    started = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.bob.headers,
    )
    assert_problem(
        await client.post(
            f"{world.base}/time-entries/{started.json()['id']}/breaks",
            json=body,
            headers=world.bob.headers,
        ),
        409,
        "entry_is_running",
    )
