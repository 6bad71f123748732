"""Allocations through the API: CRUD with events, filters and pages, who may write, and every
bad input refused with nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.resources.models import Allocation, messaging
from worksync.resources.testing import (
    Team,
    allocate,
    make_team,
    outbox_events,
)


def _body(team: Team, **overrides: Any) -> dict[str, Any]:
    return {
        "user_id": str(team.member.id),
        "project_id": str(team.project.id),
        "role": "Developer",
        "hours_per_week": 20,
        "start_date": "2026-03-02",
        "end_date": "2026-03-27",
        "notes": "Phase one",
        **overrides,
    }


async def _state(sessionmaker: async_sessionmaker[AsyncSession], team: Team) -> tuple[int, int]:
    """How many allocations the workspace has and how many events were recorded."""
    async with sessionmaker() as session:
        allocations = await session.scalar(
            select(func.count())
            .select_from(Allocation)
            .where(Allocation.workspace_id == team.workspace.id)
        )
        events = await session.scalar(select(func.count()).select_from(messaging.outbox))
    return int(allocations or 0), int(events or 0)


async def test_an_allocation_is_created_read_changed_and_deleted(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await client.post(
        f"{team.base}/allocations", json=_body(team), headers=team.admin.headers
    )
    assert response.status_code == 201, response.text
    allocation = response.json()
    assert allocation["hours_per_week"] == 20
    assert (allocation["role"], allocation["notes"], allocation["version"]) == (
        "Developer",
        "Phase one",
        1,
    )
    url = f"{team.base}/allocations/{allocation['id']}"
    assert (await client.get(url, headers=team.member.headers)).json() == allocation

    response = await client.patch(
        url, json={"hours_per_week": 12.5, "end_date": "2026-04-03"}, headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["hours_per_week"], response.json()["version"]) == (12.5, 2)
    unchanged = await client.patch(url, json={"hours_per_week": 12.5}, headers=team.admin.headers)
    assert unchanged.json()["version"] == 2

    assert (await client.delete(url, headers=team.admin.headers)).status_code == 204
    assert_problem(await client.get(url, headers=team.admin.headers), 404, "allocation_not_found")

    events = await outbox_events(sessionmaker, allocation["id"])
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("resources.allocation.created", 1),
        ("resources.allocation.updated", 2),
        ("resources.allocation.deleted", 3),
    ]
    assert events[0]["data"] == {
        "allocation_id": allocation["id"],
        "workspace_id": str(team.workspace.id),
        "user_id": str(team.member.id),
        "project_id": str(team.project.id),
        "role": "Developer",
        "hours_per_week": "20.00",
        "start_date": "2026-03-02",
        "end_date": "2026-03-27",
    }
    assert events[2]["data"]["hours_per_week"] == "12.50"
    assert events[2]["data"]["end_date"] == "2026-04-03"
    assert {e["actorid"] for e in events} == {str(team.admin.id)}
    assert {e["workspaceid"] for e in events} == {str(team.workspace.id)}


async def test_create_is_idempotent_with_a_key(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    headers = {**team.admin.headers, "Idempotency-Key": "allocate-mia"}
    first = await client.post(f"{team.base}/allocations", json=_body(team), headers=headers)
    before = await _state(sessionmaker, team)
    again = await client.post(f"{team.base}/allocations", json=_body(team), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await _state(sessionmaker, team) == before
    assert_problem(
        await client.post(
            f"{team.base}/allocations", json=_body(team, hours_per_week=5), headers=headers
        ),
        422,
        "idempotency_key_reused",
    )


async def test_lists_filter_and_page(client: httpx.AsyncClient, team: Team) -> None:
    january = await allocate(client, team, 10, "2026-01-05", "2026-01-30")
    february = await allocate(client, team, 10, "2026-02-02", "2026-02-27", other_project=True)
    march = await allocate(client, team, 10, "2026-03-02", "2026-03-27", user=team.admin)

    async def ids(**params: str) -> list[str]:
        response = await client.get(
            f"{team.base}/allocations", params=params, headers=team.member.headers
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids() == [january["id"], february["id"], march["id"]]
    assert await ids(sort="-start_date") == [march["id"], february["id"], january["id"]]
    assert await ids(user_id=str(team.member.id)) == [january["id"], february["id"]]
    assert await ids(project_id=str(team.other_project.id)) == [february["id"]]
    assert await ids(**{"from": "2026-01-30", "to": "2026-02-02"}) == [
        january["id"],
        february["id"],
    ]
    assert await ids(**{"from": "2026-02-28"}) == [march["id"]]
    assert await ids(to="2026-01-04") == []

    page = await client.get(
        f"{team.base}/allocations", params={"limit": 2}, headers=team.member.headers
    )
    rest = await client.get(
        f"{team.base}/allocations",
        params={"limit": 2, "cursor": page.json()["next_cursor"]},
        headers=team.member.headers,
    )
    assert [i["id"] for i in rest.json()["items"]] == [march["id"]]
    assert rest.json()["next_cursor"] is None
    assert_problem(
        await client.get(
            f"{team.base}/allocations",
            params={"from": "2026-02-02", "to": "2026-02-01"},
            headers=team.member.headers,
        ),
        422,
        "validation_failed",
        fields={"to"},
    )
    assert_problem(
        await client.get(
            f"{team.base}/allocations", params={"sort": "hours"}, headers=team.member.headers
        ),
        422,
        "validation_failed",
        fields={"sort"},
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": -5}, "hours_per_week"),
        ({"hours_per_week": 168.01}, "hours_per_week"),
        ({"hours_per_week": "lots"}, "hours_per_week"),
        ({"end_date": "2026-03-01"}, "end_date"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"user_id": "not-a-uuid"}, "user_id"),
        ({"role": ""}, "role"),
        ({"notes": "x" * 5001}, "notes"),
        ({"priority": "high"}, "priority"),
        ({"project_id": None}, "project_id"),
        # The ends of the calendar (detection looks at the day after the end: was a 500).
        ({"end_date": "9999-12-31"}, "end_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
    ],
)
async def test_bad_allocations_are_refused(
    client: httpx.AsyncClient,
    team: Team,
    sessionmaker: async_sessionmaker[AsyncSession],
    overrides: dict[str, Any],
    field: str,
) -> None:
    existing = await allocate(client, team, 10, "2026-01-05", "2026-01-30")
    before = await _state(sessionmaker, team)
    assert_problem(
        await client.post(
            f"{team.base}/allocations", json=_body(team, **overrides), headers=team.admin.headers
        ),
        422,
        "validation_failed",
        fields={field},
    )
    patch = {name: value for name, value in overrides.items() if name != "end_date"} or {
        "end_date": "2026-01-04"
    }
    response = await client.patch(
        f"{team.base}/allocations/{existing['id']}", json=patch, headers=team.admin.headers
    )
    assert_problem(response, 422, "validation_failed", fields={field})
    assert await _state(sessionmaker, team) == before


async def test_a_member_added_a_moment_ago_is_allocated_at_once(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder, workspace_api: FakeWorkspaceApi
) -> None:
    # The workspace service has them; their event has not reached the projection yet.
    newcomer, other = seeder.user("Nia Newcomer"), seeder.user("Oz Other")
    workspace_api.add_member(team.workspace, newcomer)
    workspace_api.add_member(team.workspace, other, role="guest")
    created = await allocate(client, team, 10, "2026-01-05", "2026-01-30", user=newcomer)
    assert created["user_id"] == str(newcomer.id)
    moved = await client.patch(
        f"{team.base}/allocations/{created['id']}",
        json={"user_id": str(other.id)},
        headers=team.admin.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["user_id"] == str(other.id)


async def test_members_and_projects_must_be_usable(
    client: httpx.AsyncClient,
    team: Team,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    elsewhere = await make_team(seeder)
    leaver = await seeder.member(team.workspace, display_name="Lee Leaver")
    await seeder.set_member(team.workspace, leaver, role="member", verb="removed")
    archived = await seeder.project(team.workspace, archived_at=datetime(2026, 1, 1, tzinfo=UTC))
    deleted = await seeder.project(team.workspace)
    await seeder.update_project(deleted, verb="deleted")
    existing = await allocate(client, team, 10, "2026-01-05", "2026-01-30")
    before = await _state(sessionmaker, team)
    refusals = [
        ({"user_id": str(elsewhere.member.id)}, "user_id", "unknown_reference"),
        ({"user_id": str(leaver.id)}, "user_id", "unknown_reference"),
        ({"project_id": str(elsewhere.project.id)}, "project_id", "unknown_reference"),
        ({"project_id": str(deleted.id)}, "project_id", "unknown_reference"),
        ({"project_id": str(archived.id)}, "project_id", "project_archived"),
    ]
    for overrides, field, code in refusals:
        response = await client.post(
            f"{team.base}/allocations", json=_body(team, **overrides), headers=team.admin.headers
        )
        assert_problem(response, 422, code, fields={field})
        response = await client.patch(
            f"{team.base}/allocations/{existing['id']}", json=overrides, headers=team.admin.headers
        )
        assert_problem(response, 422, code, fields={field})
    assert await _state(sessionmaker, team) == before
    # Guests are members too: they may be allocated.
    response = await client.post(
        f"{team.base}/allocations",
        json=_body(team, user_id=str(team.guest.id)),
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text


async def test_project_admins_manage_their_projects_allocations_only(
    client: httpx.AsyncClient,
    team: Team,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    lead = await seeder.member(team.workspace, display_name="Lea Lead")
    await seeder.project_member(team.project, lead, role="admin")
    await seeder.project_member(team.other_project, lead, role="member")
    mine = await client.post(f"{team.base}/allocations", json=_body(team), headers=lead.headers)
    assert mine.status_code == 201, mine.text
    theirs = await allocate(client, team, 10, "2026-01-05", "2026-01-30", other_project=True)
    before = await _state(sessionmaker, team)
    other_project = _body(team, project_id=str(team.other_project.id))
    for response in (
        await client.post(f"{team.base}/allocations", json=other_project, headers=lead.headers),
        await client.post(
            f"{team.base}/allocations", json=_body(team), headers=team.member.headers
        ),
        await client.patch(
            f"{team.base}/allocations/{theirs['id']}", json={"notes": "x"}, headers=lead.headers
        ),
        await client.delete(f"{team.base}/allocations/{theirs['id']}", headers=lead.headers),
        # Moving an allocation needs the new project's admin role as well.
        await client.patch(
            f"{team.base}/allocations/{mine.json()['id']}",
            json={"project_id": str(team.other_project.id)},
            headers=lead.headers,
        ),
        await client.get(f"{team.base}/allocations", headers=team.guest.headers),
    ):
        assert_problem(response, 403, "insufficient_role")
    assert await _state(sessionmaker, team) == before
    response = await client.patch(
        f"{team.base}/allocations/{mine.json()['id']}", json={"notes": "mine"}, headers=lead.headers
    )
    assert response.status_code == 200, response.text
    response = await client.delete(
        f"{team.base}/allocations/{mine.json()['id']}", headers=lead.headers
    )
    assert response.status_code == 204
