"""Timesheets: a week submitted, rejected with a comment, fixed, approved; withdrawal and
reopening; who approves (admins, team leads, never oneself) and who sees what; the entries
frozen meanwhile; two approvers at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.tokens import TokenMinter
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app
from worksync.timetracking.testing import (
    World,
    arrange_team,
    create_entry,
    outbox_of,
    set_workspace_settings,
    team_event,
)


async def submit(
    client: httpx.AsyncClient, world: World, person: SeededUser, day: str = "2024-05-08"
) -> httpx.Response:
    return await client.post(
        f"{world.base}/timesheets/submit", json={"date": day}, headers=person.headers
    )


async def act(
    client: httpx.AsyncClient,
    world: World,
    person: SeededUser,
    sheet_id: str,
    verb: str,
    **body: str,
) -> httpx.Response:
    return await client.post(
        f"{world.base}/timesheets/{sheet_id}/{verb}", json=body or None, headers=person.headers
    )


async def submitted(client: httpx.AsyncClient, world: World, person: SeededUser) -> dict[str, Any]:
    response = await submit(client, world, person)
    assert response.status_code == 200, response.text
    sheet: dict[str, Any] = response.json()
    return sheet


async def test_a_week_is_rejected_fixed_resubmitted_and_approved(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await arrange_team(seeder, world.workspace, world.bob, [world.ada, world.bob])
    monday = await create_entry(
        client,
        world,
        world.ada,
        started_at="2024-05-06T09:00:00",
        ended_at="2024-05-06T12:00:00",
        billable=True,
    )
    await create_entry(client, world, world.ada, work_date="2024-05-08", duration_seconds=1800)
    outside = await create_entry(
        client, world, world.ada, work_date="2024-05-13", duration_seconds=600
    )
    sheet = await submitted(client, world, world.ada)
    assert (sheet["period_start"], sheet["period_end"]) == ("2024-05-06", "2024-05-12")
    assert (sheet["state"], sheet["total_seconds"], sheet["billable_seconds"]) == (
        "submitted",
        3 * 3600 + 1800,
        3 * 3600,
    )
    assert len(sheet["entries"]) == 2
    entry_url = f"{world.base}/time-entries/{monday['id']}"
    # Submitted: its user changes nothing in the period; the next week stays open.
    assert_problem(
        await client.patch(entry_url, json={"description": "x"}, headers=world.ada.headers),
        409,
        "timesheet_submitted",
    )
    assert_problem(
        await client.delete(entry_url, headers=world.ada.headers), 409, "timesheet_submitted"
    )
    late = await client.post(
        f"{world.base}/time-entries",
        json={
            "project_id": str(world.project.id),
            "work_date": "2024-05-07",
            "duration_seconds": 60,
        },
        headers=world.ada.headers,
    )
    assert_problem(late, 409, "timesheet_submitted")
    moved = await client.patch(
        f"{world.base}/time-entries/{outside['id']}",
        json={"description": "next week"},
        headers=world.ada.headers,
    )
    assert moved.status_code == 200, moved.text
    # The lead sends it back; a rejection needs a comment.
    no_comment = await act(client, world, world.bob, sheet["id"], "reject")
    assert no_comment.status_code == 422
    blank = await act(client, world, world.bob, sheet["id"], "reject", comment="   ")
    assert blank.status_code == 422
    rejected = await act(
        client, world, world.bob, sheet["id"], "reject", comment="Monday was a half day"
    )
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["state"], rejected.json()["comment"]) == (
        "rejected",
        "Monday was a half day",
    )
    assert rejected.json()["decided_by"] == str(world.bob.id)
    fixed = await client.patch(
        entry_url, json={"ended_at": "2024-05-06T11:00:00"}, headers=world.ada.headers
    )
    assert fixed.status_code == 200, fixed.text
    again = await submitted(client, world, world.ada)
    assert (again["id"], again["state"], again["comment"]) == (sheet["id"], "submitted", None)
    assert again["total_seconds"] == 2 * 3600 + 1800
    approved = await act(client, world, world.bob, sheet["id"], "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    # Approved: nobody changes its time, not even the owner of the workspace.
    for person in (world.ada, world.owner, world.admin):
        assert_problem(
            await client.patch(entry_url, json={"description": "y"}, headers=person.headers),
            409,
            "timesheet_approved",
        )
        assert_problem(
            await client.delete(entry_url, headers=person.headers), 409, "timesheet_approved"
        )
    events = await outbox_of(sessionmaker, UUID(sheet["id"]))
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("timetracking.timesheet.submitted", 1),
        ("timetracking.timesheet.rejected", 2),
        ("timetracking.timesheet.submitted", 3),
        ("timetracking.timesheet.approved", 4),
    ]
    assert events[1]["data"]["comment"] == "Monday was a half day"
    assert events[3]["data"]["total_seconds"] == 2 * 3600 + 1800
    assert events[3]["actorid"] == str(world.bob.id)
    fetched = await client.get(f"{world.base}/timesheets/{sheet['id']}", headers=world.ada.headers)
    assert fetched.json()["version"] == 4


async def test_withdrawing_before_a_decision(client: httpx.AsyncClient, world: World) -> None:
    sheet = await submitted(client, world, world.ada)
    assert_problem(
        await act(client, world, world.admin, sheet["id"], "withdraw"), 403, "not_an_approver"
    )
    withdrawn = await act(client, world, world.ada, sheet["id"], "withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    assert (withdrawn.json()["state"], withdrawn.json()["submitted_at"]) == ("open", None)
    assert_problem(
        await act(client, world, world.ada, sheet["id"], "withdraw"), 409, "timesheet_not_submitted"
    )
    assert_problem(
        await act(client, world, world.admin, sheet["id"], "approve"),
        409,
        "timesheet_not_submitted",
    )
    entry = await client.post(
        f"{world.base}/time-entries",
        json={
            "project_id": str(world.project.id),
            "work_date": "2024-05-07",
            "duration_seconds": 60,
        },
        headers=world.ada.headers,
    )
    assert entry.status_code == 201, entry.text


async def test_who_decides_and_who_sees(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    await arrange_team(seeder, world.workspace, world.bob, [world.ada])
    await arrange_team(seeder, world.workspace, carl, [world.bob])
    ada_sheet = await submitted(client, world, world.ada)
    url = f"{world.base}/timesheets/{ada_sheet['id']}"
    # Carl leads no team of Ada's: he neither sees nor decides it.
    assert (await client.get(url, headers=carl.headers)).status_code == 404
    assert (await act(client, world, carl, ada_sheet["id"], "approve")).status_code == 404
    assert (await client.get(url, headers=world.bob.headers)).status_code == 200
    # Bob's own timesheet: he leads a team but never decides on himself; Carl leads his.
    bob_sheet = await submitted(client, world, world.bob)
    assert_problem(
        await act(client, world, world.bob, bob_sheet["id"], "approve"), 403, "not_an_approver"
    )
    # An admin's own timesheet waits for another admin.
    admin_sheet = await submitted(client, world, world.admin)
    assert_problem(
        await act(client, world, world.admin, admin_sheet["id"], "approve"),
        403,
        "not_an_approver",
    )
    assert (await act(client, world, world.owner, admin_sheet["id"], "approve")).status_code == 200
    assert (await act(client, world, carl, bob_sheet["id"], "approve")).status_code == 200
    # The approver's queue: what each may decide on (and their own).
    queue = await client.get(
        f"{world.base}/timesheets", params={"state": "submitted"}, headers=world.owner.headers
    )
    assert [item["user_id"] for item in queue.json()["items"]] == [str(world.ada.id)]
    mine = await client.get(f"{world.base}/timesheets", headers=world.bob.headers)
    assert {item["user_id"] for item in mine.json()["items"]} == {
        str(world.ada.id),
        str(world.bob.id),
    }
    carls = await client.get(
        f"{world.base}/timesheets", params={"user_id": str(world.ada.id)}, headers=carl.headers
    )
    assert carls.json()["items"] == []
    everyone = await client.get(
        f"{world.base}/timesheets",
        params={"from": "2024-05-06", "to": "2024-05-12", "limit": 2},
        headers=world.owner.headers,
    )
    page = everyone.json()
    assert len(page["items"]) == 2
    assert page["next_cursor"] is not None
    rest = await client.get(
        f"{world.base}/timesheets",
        params={"from": "2024-05-06", "to": "2024-05-12", "cursor": page["next_cursor"]},
        headers=world.owner.headers,
    )
    assert len(rest.json()["items"]) == 1
    later = await client.get(
        f"{world.base}/timesheets", params={"from": "2024-05-13"}, headers=world.owner.headers
    )
    assert later.json()["items"] == []
    # The list's select is built once per shape, the reader bound: readers asking one shape
    # in turn each get theirs.
    for _ in range(2):
        for person, users in (
            (world.bob, {world.ada.id, world.bob.id}),
            (carl, {world.bob.id}),
            (world.ada, {world.ada.id}),
        ):
            listed = await client.get(f"{world.base}/timesheets", headers=person.headers)
            assert {item["user_id"] for item in listed.json()["items"]} == {str(u) for u in users}
    backwards = await client.get(
        f"{world.base}/timesheets",
        params={"from": "2024-05-13", "to": "2024-05-06"},
        headers=world.owner.headers,
    )
    assert backwards.status_code == 422


async def test_a_lead_who_leaves_no_longer_decides(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    team_id = await arrange_team(seeder, world.workspace, world.bob, [world.ada])
    sheet = await submitted(client, world, world.ada)
    # A late membership event of an older sequence changes nothing.
    await seeder.deliver(
        team_event(
            "member_removed",
            team_id,
            world.workspace.id,
            sequence=9,
            lead_id=world.bob.id,
            user_id=world.ada.id,
        )
    )
    await seeder.deliver(
        team_event(
            "member_added",
            team_id,
            world.workspace.id,
            sequence=8,
            lead_id=world.bob.id,
            user_id=world.ada.id,
        )
    )
    assert (await act(client, world, world.bob, sheet["id"], "approve")).status_code == 404
    await seeder.deliver(
        team_event(
            "member_added",
            team_id,
            world.workspace.id,
            sequence=10,
            lead_id=world.bob.id,
            user_id=world.ada.id,
        )
    )
    await seeder.deliver(
        team_event("updated", team_id, world.workspace.id, sequence=11, lead_id=None)
    )
    assert (await act(client, world, world.bob, sheet["id"], "approve")).status_code == 404
    await seeder.deliver(
        team_event("updated", team_id, world.workspace.id, sequence=12, lead_id=world.bob.id)
    )
    await seeder.deliver(
        team_event("deleted", team_id, world.workspace.id, sequence=13, lead_id=world.bob.id)
    )
    assert (await act(client, world, world.bob, sheet["id"], "approve")).status_code == 404


async def test_an_admin_reopens_an_approved_timesheet_with_a_reason(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await arrange_team(seeder, world.workspace, world.bob, [world.ada])
    entry = await create_entry(
        client, world, world.ada, work_date="2024-05-08", duration_seconds=60
    )
    sheet = await submitted(client, world, world.ada)
    assert_problem(
        await act(client, world, world.admin, sheet["id"], "reopen", reason="Too early"),
        409,
        "timesheet_not_approved",
    )
    assert (await act(client, world, world.bob, sheet["id"], "approve")).status_code == 200
    assert_problem(
        await act(client, world, world.bob, sheet["id"], "reopen", reason="Lead"),
        403,
        "not_an_approver",
    )
    assert (await act(client, world, world.admin, sheet["id"], "reopen")).status_code == 422
    reopened = await act(
        client, world, world.admin, sheet["id"], "reopen", reason="Payroll correction"
    )
    assert reopened.status_code == 200, reopened.text
    assert (reopened.json()["state"], reopened.json()["comment"]) == ("open", "Payroll correction")
    changed = await client.patch(
        f"{world.base}/time-entries/{entry['id']}",
        json={"duration_seconds": 120},
        headers=world.ada.headers,
    )
    assert changed.status_code == 200, changed.text
    events = await outbox_of(sessionmaker, UUID(sheet["id"]))
    assert events[-1]["type"] == "timetracking.timesheet.reopened"
    assert events[-1]["data"]["comment"] == "Payroll correction"


async def test_submission_refusals_and_periods(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await submitted(client, world, world.ada)
    assert_problem(await submit(client, world, world.ada), 409, "timesheet_not_open")
    started = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.bob.headers,
    )
    assert started.status_code == 201, started.text
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).date()
    assert_problem(await submit(client, world, world.bob, str(today)), 409, "timer_running")
    too_early = await submit(client, world, world.bob, "0001-01-01")
    assert too_early.status_code == 422
    extra = await client.post(
        f"{world.base}/timesheets/submit",
        json={"date": "2024-05-08", "user_id": str(world.ada.id)},
        headers=world.bob.headers,
    )
    assert extra.status_code == 422
    await set_workspace_settings(seeder, world.workspace, timesheet_period="monthly")
    month = await submitted(client, world, world.admin)
    assert (month["period_start"], month["period_end"]) == ("2024-05-01", "2024-05-31")
    await set_workspace_settings(
        seeder, world.workspace, timesheet_period="biweekly", week_start="sunday"
    )
    fortnight = await submit(client, world, world.owner, "2024-01-06")
    assert (fortnight.json()["period_start"], fortnight.json()["period_end"]) == (
        "2023-12-31",
        "2024-01-13",
    )


async def test_two_approvers_at_once_one_wins(
    settings: TimetrackingSettings,
    minter: TokenMinter,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await arrange_team(seeder, world.workspace, world.bob, [world.ada])
    app: FastAPI = create_app(settings.model_copy(update={"database_pool_size": 4}))
    async with asgi_client(app) as client:
        app.state.token_verifier = minter.verifier()
        sheet = await submitted(client, world, world.ada)
        responses = await asyncio.gather(
            act(client, world, world.bob, sheet["id"], "approve"),
            act(client, world, world.admin, sheet["id"], "reject", comment="No"),
            act(client, world, world.owner, sheet["id"], "approve"),
        )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409, 409], [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409, "timesheet_not_submitted")
    events = await outbox_of(sessionmaker, UUID(sheet["id"]))
    assert [e["sequence"] for e in events] == [1, 2]
