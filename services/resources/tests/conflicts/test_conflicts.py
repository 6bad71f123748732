"""Conflicts through the API: detected and resolved as allocations, capacity and time off
change, with their events; read, resolved and ignored by admins; serialised per member."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.resources.models import Conflict
from worksync.resources.testing import (
    Team,
    allocate,
    outbox_events,
    profile_of,
)


async def conflicts(
    client: httpx.AsyncClient, team: Team, status: str | None = "open"
) -> list[dict[str, Any]]:
    params: dict[str, str | int] = {"user_id": str(team.member.id), "limit": 100}
    if status:
        params["status"] = status
    response = await client.get(f"{team.base}/conflicts", params=params, headers=team.admin.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def patch(
    client: httpx.AsyncClient, team: Team, allocation: dict[str, Any], **body: Any
) -> dict[str, Any]:
    response = await client.patch(
        f"{team.base}/allocations/{allocation['id']}", json=body, headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    updated: dict[str, Any] = response.json()
    return updated


async def test_the_two_project_scenario_detects_and_resolves(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    apollo = await allocate(client, team, 30, "2026-01-05", "2026-02-27")
    assert await conflicts(client, team) == []
    borealis = await allocate(client, team, 20, "2026-02-02", "2026-03-27", other_project=True)

    [conflict] = await conflicts(client, team)
    assert conflict["start_date"] == "2026-02-02"
    assert conflict["end_date"] == "2026-02-27"
    assert conflict["capacity_hours_per_week"] == 40
    assert conflict["allocated_hours_per_week"] == 50
    assert conflict["over_allocation_percent"] == 25.0
    assert conflict["status"] == "open"
    assert set(conflict["allocation_ids"]) == {apollo["id"], borealis["id"]}

    [detected] = await outbox_events(sessionmaker, conflict["id"])
    assert detected["type"] == "resources.conflict.detected"
    assert detected["sequence"] == 1
    assert detected["source"] == "worksync/resources"
    assert detected["workspaceid"] == str(team.workspace.id)
    assert detected["data"] == {
        "conflict_id": conflict["id"],
        "workspace_id": str(team.workspace.id),
        "user_id": str(team.member.id),
        "start_date": "2026-02-02",
        "end_date": "2026-02-27",
        "capacity_hours_per_week": "40.00",
        "allocated_hours_per_week": "50.00",
        "over_allocation_percent": "25.00",
        "allocation_ids": sorted([apollo["id"], borealis["id"]]),
    }

    # An unrelated change (notes) keeps the very same conflict row.
    await patch(client, team, apollo, notes="Kick-off in January")
    assert [c["id"] for c in await conflicts(client, team)] == [conflict["id"]]
    # Ending Borealis before it starts is refused and changes nothing.
    response = await client.patch(
        f"{team.base}/allocations/{borealis['id']}",
        json={"end_date": "2026-01-30"},
        headers=team.admin.headers,
    )
    assert_problem(response, 422, "validation_failed", fields={"end_date"})
    assert [c["id"] for c in await conflicts(client, team)] == [conflict["id"]]

    # Apollo ending before Borealis starts: no overlap, the conflict is resolved.
    await patch(client, team, apollo, end_date="2026-01-30")
    assert await conflicts(client, team) == []
    resolved = await client.get(
        f"{team.base}/conflicts/{conflict['id']}", headers=team.admin.headers
    )
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_at"] is not None
    assert resolved.json()["resolved_by_id"] is None
    events = await outbox_events(sessionmaker, conflict["id"])
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("resources.conflict.detected", 1),
        ("resources.conflict.resolved", 2),
    ]
    assert events[1]["data"] == detected["data"]

    # Overlapping again is a new conflict; moving Borealis into January another one.
    await patch(client, team, apollo, end_date="2026-02-27")
    [again] = await conflicts(client, team)
    assert again["id"] != conflict["id"]
    await patch(client, team, borealis, start_date="2026-01-05", end_date="2026-01-30")
    [january] = await conflicts(client, team)
    assert (january["start_date"], january["end_date"]) == ("2026-01-05", "2026-01-30")

    # Deleting one of the two resolves what is left.
    response = await client.delete(
        f"{team.base}/allocations/{borealis['id']}", headers=team.admin.headers
    )
    assert response.status_code == 204
    assert await conflicts(client, team) == []
    resolved_ids = {c["id"] for c in await conflicts(client, team, status="resolved")}
    assert resolved_ids == {conflict["id"], again["id"], january["id"]}
    assert [e["type"] for e in await outbox_events(sessionmaker, january["id"])] == [
        "resources.conflict.detected",
        "resources.conflict.resolved",
    ]


async def test_raising_capacity_resolves_and_lowering_detects(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await allocate(client, team, 30, "2026-01-05", "2026-01-30")
    await allocate(client, team, 20, "2026-01-12", "2026-01-23", other_project=True)
    [conflict] = await conflicts(client, team)
    profile = await profile_of(client, team, team.member)
    response = await client.patch(
        f"{team.base}/team-members/{profile['id']}",
        json={"hours_per_week": 50},
        headers=team.admin.headers,
    )
    assert response.status_code == 200, response.text
    assert await conflicts(client, team) == []
    response = await client.patch(
        f"{team.base}/team-members/{profile['id']}",
        json={"hours_per_week": 25},
        headers=team.admin.headers,
    )
    found = await conflicts(client, team)
    assert [(c["start_date"], c["end_date"], c["allocated_hours_per_week"]) for c in found] == [
        ("2026-01-05", "2026-01-11", 30),
        ("2026-01-12", "2026-01-23", 50),
        ("2026-01-24", "2026-01-30", 30),
    ]
    assert found[1]["over_allocation_percent"] == 100.0
    assert conflict["id"] not in {c["id"] for c in found}


async def test_creating_a_profile_recomputes_what_the_defaults_allowed(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder, workspace_api: FakeWorkspaceApi
) -> None:
    # Added a moment ago: allocated while still counted with the defaults (40 h).
    newcomer = seeder.user("Nia Newcomer")
    workspace_api.add_member(team.workspace, newcomer)
    allocation = await allocate(client, team, 30, "2026-01-05", "2026-01-16", user=newcomer)
    params = {"user_id": str(newcomer.id), "status": "open"}
    response = await client.get(f"{team.base}/conflicts", params=params, headers=team.admin.headers)
    assert response.json()["items"] == []
    response = await client.post(
        f"{team.base}/team-members",
        json={"user_id": str(newcomer.id), "hours_per_week": 20},
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    response = await client.get(f"{team.base}/conflicts", params=params, headers=team.admin.headers)
    [conflict] = response.json()["items"]
    assert (conflict["start_date"], conflict["end_date"]) == ("2026-01-05", "2026-01-16")
    assert (conflict["capacity_hours_per_week"], conflict["allocated_hours_per_week"]) == (20, 30)
    assert conflict["allocation_ids"] == [allocation["id"]]


async def test_time_off_detects_and_its_removal_resolves(
    client: httpx.AsyncClient, team: Team
) -> None:
    await allocate(client, team, 30, "2026-01-05", "2026-01-30")
    profile = await profile_of(client, team, team.member)
    response = await client.post(
        f"{team.base}/team-members/{profile['id']}/time-off",
        json={"start_date": "2026-01-12", "end_date": "2026-01-16", "reason": "Ski"},
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    [conflict] = await conflicts(client, team)
    assert (conflict["start_date"], conflict["end_date"]) == ("2026-01-12", "2026-01-16")
    assert conflict["capacity_hours_per_week"] == 0
    assert conflict["over_allocation_percent"] is None
    response = await client.delete(
        f"{team.base}/team-members/{profile['id']}/time-off/{response.json()['id']}",
        headers=team.admin.headers,
    )
    assert response.status_code == 204
    assert await conflicts(client, team) == []


async def test_an_ignored_conflict_stays_ignored_while_its_allocations_overlap(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    apollo = await allocate(client, team, 30, "2026-01-05", "2026-02-27")
    borealis = await allocate(client, team, 20, "2026-02-02", "2026-03-27", other_project=True)
    [conflict] = await conflicts(client, team)
    response = await client.post(
        f"{team.base}/conflicts/{conflict['id']}/ignore", headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ignored"
    assert response.json()["ignored_by_id"] == str(team.admin.id)
    assert_problem(
        await client.post(
            f"{team.base}/conflicts/{conflict['id']}/ignore", headers=team.admin.headers
        ),
        409,
        "conflict_not_open",
    )
    # The overlap changes but the same allocations still over-book: nothing new is open.
    await patch(client, team, borealis, start_date="2026-02-09")
    assert await conflicts(client, team) == []
    [ignored] = await conflicts(client, team, status="ignored")
    assert ignored["id"] == conflict["id"]
    # Once they no longer overlap, the ignored conflict is resolved.
    await patch(client, team, apollo, end_date="2026-02-06")
    [settled] = await conflicts(client, team, status=None)
    assert (settled["id"], settled["status"]) == (conflict["id"], "resolved")
    events = await outbox_events(sessionmaker, conflict["id"])
    assert [e["type"] for e in events] == [
        "resources.conflict.detected",
        "resources.conflict.resolved",
    ]


async def test_ignoring_one_conflict_leaves_the_others_of_its_allocations_open(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Time off splits one over-allocation into three conflicts of the same allocation.
    apollo = await allocate(client, team, 45, "2026-01-05", "2026-01-30")
    profile = await profile_of(client, team, team.member)
    response = await client.post(
        f"{team.base}/team-members/{profile['id']}/time-off",
        json={"start_date": "2026-01-14", "end_date": "2026-01-15"},
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    first, *others = await conflicts(client, team)
    assert [(c["start_date"], c["end_date"]) for c in others] == [
        ("2026-01-14", "2026-01-15"),
        ("2026-01-16", "2026-01-30"),
    ]
    response = await client.post(
        f"{team.base}/conflicts/{first['id']}/ignore", headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    # A change that leaves the over-allocation as it was keeps the others open and quiet.
    await patch(client, team, apollo, notes="Kick-off in January")
    assert [c["id"] for c in await conflicts(client, team)] == [c["id"] for c in others]
    for conflict in others:
        events = await outbox_events(sessionmaker, conflict["id"])
        assert [e["type"] for e in events] == ["resources.conflict.detected"]


async def test_admins_resolve_by_hand_and_members_see_their_own(
    client: httpx.AsyncClient,
    team: Team,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await allocate(client, team, 30, "2026-01-05", "2026-01-30")
    await allocate(client, team, 20, "2026-01-05", "2026-01-30", other_project=True)
    colleague = await seeder.member(team.workspace, display_name="Cole")
    await allocate(client, team, 50, "2026-01-05", "2026-01-09", user=colleague)
    [conflict] = await conflicts(client, team)

    mine = await client.get(f"{team.base}/conflicts", headers=team.member.headers)
    assert [c["id"] for c in mine.json()["items"]] == [conflict["id"]]
    assert_problem(
        await client.get(
            f"{team.base}/conflicts",
            params={"user_id": str(colleague.id)},
            headers=team.member.headers,
        ),
        403,
        "insufficient_role",
    )
    everyone = await client.get(f"{team.base}/conflicts", headers=team.admin.headers)
    assert len(everyone.json()["items"]) == 2
    theirs = next(c for c in everyone.json()["items"] if c["user_id"] == str(colleague.id))
    assert_problem(
        await client.get(f"{team.base}/conflicts/{theirs['id']}", headers=team.member.headers),
        404,
        "conflict_not_found",
    )
    assert_problem(
        await client.post(
            f"{team.base}/conflicts/{conflict['id']}/resolve", headers=team.member.headers
        ),
        403,
        "insufficient_role",
    )

    response = await client.post(
        f"{team.base}/conflicts/{conflict['id']}/resolve", headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["resolved_by_id"]) == (
        "resolved",
        str(team.admin.id),
    )
    assert_problem(
        await client.post(
            f"{team.base}/conflicts/{conflict['id']}/resolve", headers=team.admin.headers
        ),
        409,
        "conflict_not_open",
    )
    events = await outbox_events(sessionmaker, conflict["id"])
    assert [(e["type"], e["actorid"]) for e in events][-1] == (
        "resources.conflict.resolved",
        str(team.admin.id),
    )


async def test_concurrent_allocations_leave_exactly_the_right_conflicts(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Four allocations of 15 h at once: whatever the interleaving, the last recomputation
    # sees them all, so one open conflict of 60 h holds all four.
    created = await asyncio.gather(
        *(
            allocate(client, team, 15, "2026-04-06", "2026-04-24", other_project=i % 2 == 0)
            for i in range(4)
        )
    )
    [conflict] = await conflicts(client, team)
    assert conflict["allocated_hours_per_week"] == 60
    assert set(conflict["allocation_ids"]) == {a["id"] for a in created}
    # Deleting them all at once leaves nothing open either.
    responses = await asyncio.gather(
        *(
            client.delete(f"{team.base}/allocations/{a['id']}", headers=team.admin.headers)
            for a in created
        )
    )
    assert {r.status_code for r in responses} == {204}
    assert await conflicts(client, team) == []
    async with sessionmaker() as session:
        open_count = await session.scalar(
            select(func.count())
            .select_from(Conflict)
            .where(Conflict.user_id == team.member.id, Conflict.status == "open")
        )
    assert open_count == 0


async def test_moving_an_allocation_to_another_member_recomputes_both(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder
) -> None:
    colleague = await seeder.member(team.workspace, display_name="Cole")
    await allocate(client, team, 30, "2026-05-04", "2026-05-29", user=colleague)
    await allocate(client, team, 30, "2026-05-04", "2026-05-29")
    moving = await allocate(client, team, 20, "2026-05-11", "2026-05-15", other_project=True)
    [conflict] = await conflicts(client, team)
    await patch(client, team, moving, user_id=str(colleague.id))
    assert await conflicts(client, team) == []
    response = await client.get(
        f"{team.base}/conflicts",
        params={"user_id": str(colleague.id), "status": "open"},
        headers=team.admin.headers,
    )
    [theirs] = response.json()["items"]
    assert (theirs["start_date"], theirs["end_date"]) == ("2026-05-11", "2026-05-15")
    assert moving["id"] in theirs["allocation_ids"]
    assert theirs["id"] != conflict["id"]
