"""Entries carry their timesheet's state as their `approval_state`: moved by every
transition in one statement, taken by entries written or moved into a period, and the same
in the entry, the list and its filter, the CSV export and the report's filter. Entry events
are not re-published for a transition: the timesheet's event says it."""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.timetracking.testing import World, create_entry, outbox_of


async def states(client: httpx.AsyncClient, world: World, **filters: str) -> dict[str, str]:
    """Ada's entries in May as the list shows them: id -> approval_state."""
    response = await client.get(
        f"{world.base}/time-entries",
        params={"user_id": str(world.ada.id), "from": "2024-05-01", "to": "2024-05-31", **filters},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    return {item["id"]: item["approval_state"] for item in response.json()["items"]}


async def act(
    client: httpx.AsyncClient, world: World, person: SeededUser, path: str, **body: str
) -> dict[str, Any]:
    response = await client.post(
        f"{world.base}/timesheets/{path}", json=body or None, headers=person.headers
    )
    assert response.status_code == 200, response.text
    sheet: dict[str, Any] = response.json()
    return sheet


async def report_hours(client: httpx.AsyncClient, world: World, approval_state: str) -> str:
    response = await client.get(
        f"{world.base}/time-tracking/report",
        params={
            "group_by": "user",
            "from": "2024-05-01",
            "to": "2024-05-31",
            "user_id": str(world.ada.id),
            "approval_state": approval_state,
        },
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    hours: str = response.json()["total_hours"]
    return hours


async def test_entries_follow_their_timesheet_everywhere(
    client: httpx.AsyncClient,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    monday = await create_entry(
        client, world, world.ada, work_date="2024-05-06", duration_seconds=10800
    )
    wednesday = await create_entry(
        client, world, world.ada, work_date="2024-05-08", duration_seconds=1800
    )
    next_week = await create_entry(
        client, world, world.ada, work_date="2024-05-13", duration_seconds=900
    )
    assert monday["approval_state"] == "draft"

    sheet = await act(client, world, world.ada, "submit", date="2024-05-08")
    assert {entry["approval_state"] for entry in sheet["entries"]} == {"submitted"}
    assert await states(client, world) == {
        monday["id"]: "submitted",
        wednesday["id"]: "submitted",
        next_week["id"]: "draft",
    }
    assert set(await states(client, world, approval_state="submitted")) == {
        monday["id"],
        wednesday["id"],
    }
    one = await client.get(f"{world.base}/time-entries/{monday['id']}", headers=world.ada.headers)
    assert one.json()["approval_state"] == "submitted"
    export = await client.get(
        f"{world.base}/time-entries/export",
        params={"user_id": str(world.ada.id)},
        headers=world.admin.headers,
    )
    exported = {
        row["id"]: row["approval_state"] for row in csv.DictReader(io.StringIO(export.text))
    }
    assert exported == await states(client, world)
    assert await report_hours(client, world, "submitted") == "3.50"
    assert await report_hours(client, world, "draft") == "0.25"

    withdrawn = await act(client, world, world.ada, f"{sheet['id']}/withdraw")
    assert {entry["approval_state"] for entry in withdrawn["entries"]} == {"draft"}
    assert set(await states(client, world, approval_state="draft")) == {
        monday["id"],
        wednesday["id"],
        next_week["id"],
    }

    await act(client, world, world.ada, "submit", date="2024-05-08")
    await act(client, world, world.admin, f"{sheet['id']}/reject", comment="Monday is short")
    assert await states(client, world, approval_state="rejected") == {
        monday["id"]: "rejected",
        wednesday["id"]: "rejected",
    }
    # Written into a rejected period, or moved into or out of it: its state.
    tuesday = await create_entry(
        client, world, world.ada, work_date="2024-05-07", duration_seconds=600
    )
    assert tuesday["approval_state"] == "rejected"
    moved_in = await client.patch(
        f"{world.base}/time-entries/{next_week['id']}",
        json={"work_date": "2024-05-09"},
        headers=world.ada.headers,
    )
    assert moved_in.json()["approval_state"] == "rejected"
    moved_out = await client.patch(
        f"{world.base}/time-entries/{wednesday['id']}",
        json={"work_date": "2024-05-15"},
        headers=world.ada.headers,
    )
    assert moved_out.json()["approval_state"] == "draft"

    await act(client, world, world.ada, "submit", date="2024-05-08")
    approved = await act(client, world, world.admin, f"{sheet['id']}/approve")
    assert {entry["approval_state"] for entry in approved["entries"]} == {"approved"}
    assert set(await states(client, world, approval_state="approved")) == {
        monday["id"],
        tuesday["id"],
        next_week["id"],
    }
    assert await report_hours(client, world, "approved") == "3.42"
    assert await report_hours(client, world, "draft") == "0.50"
    assert await report_hours(client, world, "submitted") == "0.00"

    reopened = await act(client, world, world.owner, f"{sheet['id']}/reopen", reason="Typo")
    assert {entry["approval_state"] for entry in reopened["entries"]} == {"draft"}
    assert set((await states(client, world)).values()) == {"draft"}

    # One event per entry write, none for the transitions: the timesheet's events say them.
    assert [event["type"] for event in await outbox_of(sessionmaker, UUID(monday["id"]))] == [
        "timetracking.entry.created"
    ]
    sheet_events = await outbox_of(sessionmaker, UUID(sheet["id"]))
    assert [event["data"]["state"] for event in sheet_events] == [
        "submitted",
        "open",
        "submitted",
        "rejected",
        "submitted",
        "approved",
        "open",
    ]


async def test_a_bad_approval_state_filter_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    for state in ("open", "pending"):
        response = await client.get(
            f"{world.base}/time-entries",
            params={"approval_state": state},
            headers=world.ada.headers,
        )
        assert_problem(response, 422, "validation_failed")
