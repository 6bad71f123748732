"""Milestones through the API: CRUD with events, filters and pages, dependencies without
cycles (also under concurrency), who may plan and read, and bad input refused."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.waiting import eventually, someone_waits_for_a_lock
from worksync.resources.models import Milestone, MilestoneDependency, messaging
from worksync.resources.testing import Team, outbox_events

from .conftest import (
    add_milestone,
    depend,
    milestones_url,
    project_lock_key,
    waiting_for_project_lock,
)


async def _counts(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int, int]:
    async with sessionmaker() as session:
        milestones = await session.scalar(select(func.count()).select_from(Milestone))
        dependencies = await session.scalar(select(func.count()).select_from(MilestoneDependency))
        events = await session.scalar(select(func.count()).select_from(messaging.outbox))
    return int(milestones or 0), int(dependencies or 0), int(events or 0)


async def test_a_milestone_is_created_read_changed_and_deleted(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await client.post(
        milestones_url(team),
        json={
            "title": " Beta release ",
            "description": "Feature complete",
            "start_date": "2026-01-05",
            "due_date": "2026-01-30",
            "priority": "high",
            "progress": 10,
            "assignee_ids": [str(team.member.id), str(team.member.id)],
        },
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    milestone = response.json()
    assert (milestone["title"], milestone["status"], milestone["priority"]) == (
        "Beta release",
        "pending",
        "high",
    )
    assert (milestone["progress"], milestone["version"]) == (10, 1)
    assert milestone["assignee_ids"] == [str(team.member.id)]
    assert (milestone["issue_ids"], milestone["depends_on"]) == ([], [])
    url = f"{milestones_url(team)}/{milestone['id']}"
    assert (await client.get(url, headers=team.member.headers)).json() == milestone

    response = await client.patch(
        url, json={"status": "completed", "progress": 100}, headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["status"], changed["progress"], changed["version"]) == ("completed", 100, 2)
    assert changed["completed_at"] is not None
    same = await client.patch(url, json={"progress": 100}, headers=team.admin.headers)
    assert same.json()["version"] == 2
    reopened = await client.patch(url, json={"status": "in_progress"}, headers=team.admin.headers)
    assert reopened.json()["completed_at"] is None

    assert (await client.delete(url, headers=team.admin.headers)).status_code == 204
    assert_problem(await client.get(url, headers=team.admin.headers), 404, "milestone_not_found")
    events = await outbox_events(sessionmaker, milestone["id"])
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("resources.milestone.created", 1),
        ("resources.milestone.updated", 2),
        ("resources.milestone.updated", 3),
        ("resources.milestone.deleted", 4),
    ]
    assert events[0]["data"] == {
        "milestone_id": milestone["id"],
        "workspace_id": str(team.workspace.id),
        "project_id": str(team.project.id),
        "title": "Beta release",
        "status": "pending",
        "priority": "high",
        "start_date": "2026-01-05",
        "due_date": "2026-01-30",
        "progress": 10,
        "assignee_ids": [str(team.member.id)],
        "issue_ids": [],
        "depends_on": [],
        "completed_at": None,
    }
    assert {e["actorid"] for e in events} == {str(team.admin.id)}


async def test_create_is_idempotent_with_a_key(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    headers = {**team.admin.headers, "Idempotency-Key": "beta"}
    body = {"title": "Beta", "start_date": "2026-01-05", "due_date": "2026-01-09"}
    first = await client.post(milestones_url(team), json=body, headers=headers)
    before = await _counts(sessionmaker)
    again = await client.post(milestones_url(team), json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert await _counts(sessionmaker) == before


async def test_lists_filter_and_page(client: httpx.AsyncClient, team: Team) -> None:
    alpha = await add_milestone(client, team, "Alpha", "2026-01-05", "2026-01-16")
    beta = await add_milestone(
        client,
        team,
        "Beta",
        "2026-01-19",
        "2026-02-13",
        priority="high",
        assignee_ids=[str(team.member.id)],
    )
    ga = await add_milestone(client, team, "GA", "2026-02-16", "2026-03-13", status="in_progress")

    async def ids(**params: str) -> list[str]:
        response = await client.get(
            milestones_url(team), params=params, headers=team.member.headers
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids() == [alpha["id"], beta["id"], ga["id"]]
    assert await ids(sort="-due_date") == [ga["id"], beta["id"], alpha["id"]]
    assert await ids(status="in_progress") == [ga["id"]]
    assert await ids(priority="high") == [beta["id"]]
    assert await ids(assignee_id=str(team.member.id)) == [beta["id"]]
    assert await ids(due_from="2026-02-13", due_to="2026-02-13") == [beta["id"]]
    page = await client.get(milestones_url(team), params={"limit": 2}, headers=team.member.headers)
    rest = await client.get(
        milestones_url(team),
        params={"limit": 2, "cursor": page.json()["next_cursor"]},
        headers=team.member.headers,
    )
    assert [m["id"] for m in page.json()["items"] + rest.json()["items"]] == [
        alpha["id"],
        beta["id"],
        ga["id"],
    ]
    assert rest.json()["next_cursor"] is None
    assert_problem(
        await client.get(
            milestones_url(team),
            params={"due_from": "2026-02-01", "due_to": "2026-01-01"},
            headers=team.member.headers,
        ),
        422,
        "validation_failed",
    )
    assert_problem(
        await client.get(
            milestones_url(team),
            params={"cursor": page.json()["next_cursor"], "sort": "created_at"},
            headers=team.member.headers,
        ),
        400,
        "invalid_cursor",
    )


async def test_bad_input_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    milestone = await add_milestone(client, team)
    url = f"{milestones_url(team)}/{milestone['id']}"
    before = await _counts(sessionmaker)
    good = {"title": "X", "start_date": "2026-01-05", "due_date": "2026-01-09"}
    bad_creates: list[tuple[dict[str, Any], str]] = [
        ({**good, "due_date": "2026-01-02"}, "validation_failed"),
        ({**good, "title": "  "}, "validation_failed"),
        ({**good, "title": "x" * 201}, "validation_failed"),
        ({**good, "status": "done"}, "validation_failed"),
        ({**good, "progress": 101}, "validation_failed"),
        ({**good, "assignee_ids": [str(new_id())]}, "unknown_reference"),
        ({**good, "assignee_ids": [str(new_id()) for _ in range(51)]}, "validation_failed"),
        ({**good, "issue_ids": [str(new_id()) for _ in range(501)]}, "validation_failed"),
        ({**good, "color": "red"}, "validation_failed"),
    ]
    for body, code in bad_creates:
        response = await client.post(milestones_url(team), json=body, headers=team.admin.headers)
        assert_problem(response, 422, code)
    for body in (
        {"due_date": "2026-01-01"},
        {"title": None},
        {"status": None},
        {"assignee_ids": [str(new_id())]},
    ):
        response = await client.patch(url, json=body, headers=team.admin.headers)
        assert response.status_code == 422, (body, response.text)
    assert await _counts(sessionmaker) == before


async def test_who_may_plan_and_who_may_read(
    client: httpx.AsyncClient,
    team: Team,
    lead: SeededUser,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    body = {"title": "By the lead", "start_date": "2026-01-05", "due_date": "2026-01-09"}
    created = await client.post(milestones_url(team), json=body, headers=lead.headers)
    assert created.status_code == 201, created.text
    url = f"{milestones_url(team)}/{created.json()['id']}"
    assert (
        await client.patch(url, json={"title": "Renamed"}, headers=lead.headers)
    ).status_code == 200
    outsider = await seeder.member(team.workspace, display_name="Otto Outsider")
    before = await _counts(sessionmaker)
    # A member of the project reads but does not plan; a member outside it does neither.
    assert (await client.get(url, headers=team.member.headers)).status_code == 200
    for person in (team.member, outsider):
        assert_problem(
            await client.post(milestones_url(team), json=body, headers=person.headers),
            403,
            "insufficient_role",
        )
        assert_problem(
            await client.patch(url, json={"title": "No"}, headers=person.headers),
            403,
            "insufficient_role",
        )
        assert_problem(await client.delete(url, headers=person.headers), 403, "insufficient_role")
    assert_problem(await client.get(url, headers=outsider.headers), 403, "insufficient_role")
    assert_problem(await client.get(url, headers=team.guest.headers), 403, "insufficient_role")
    # The lead leads only their project.
    other = f"{team.base}/projects/{team.other_project.id}/milestones"
    assert_problem(
        await client.post(other, json=body, headers=lead.headers), 403, "insufficient_role"
    )
    # Another project's milestone is not found through this project.
    assert_problem(
        await client.get(f"{other}/{created.json()['id']}", headers=team.admin.headers),
        404,
        "milestone_not_found",
    )
    assert await _counts(sessionmaker) == before


async def test_dependencies_are_added_shown_and_removed_with_events(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    design = await add_milestone(client, team, "Design")
    build = await add_milestone(client, team, "Build")
    response = await depend(client, team, build["id"], design["id"], lag=2)
    assert response.status_code == 201, response.text
    assert response.json()["depends_on"] == [{"depends_on_id": design["id"], "lag_days": 2}]
    assert_problem(await depend(client, team, build["id"], design["id"]), 409, "dependency_exists")
    url = f"{milestones_url(team)}/{build['id']}/dependencies/{design['id']}"
    assert (await client.delete(url, headers=team.admin.headers)).status_code == 204
    assert_problem(
        await client.delete(url, headers=team.admin.headers), 404, "dependency_not_found"
    )
    # Deleting a predecessor updates its successors' dependencies (with an event).
    assert (await depend(client, team, build["id"], design["id"])).status_code == 201
    deleted = await client.delete(
        f"{milestones_url(team)}/{design['id']}", headers=team.admin.headers
    )
    assert deleted.status_code == 204
    events = await outbox_events(sessionmaker, build["id"])
    assert [(e["type"], e["data"]["depends_on"]) for e in events] == [
        ("resources.milestone.created", []),
        ("resources.milestone.updated", [{"depends_on_id": design["id"], "lag_days": 2}]),
        ("resources.milestone.updated", []),
        ("resources.milestone.updated", [{"depends_on_id": design["id"], "lag_days": 0}]),
        ("resources.milestone.updated", []),
    ]


async def test_a_cycle_is_refused(
    client: httpx.AsyncClient,
    team: Team,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    a, b, c = [await add_milestone(client, team, title) for title in "ABC"]
    assert (await depend(client, team, b["id"], a["id"])).status_code == 201
    assert (await depend(client, team, c["id"], b["id"])).status_code == 201
    before = await _counts(sessionmaker)
    assert_problem(await depend(client, team, a["id"], c["id"]), 409, "dependency_cycle")
    assert_problem(await depend(client, team, a["id"], a["id"]), 409, "dependency_cycle")
    assert_problem(await depend(client, team, a["id"], str(new_id())), 422, "unknown_reference")
    other = await seeder.project(team.workspace, name="Elsewhere")
    elsewhere = await client.post(
        f"{team.base}/projects/{other.id}/milestones",
        json={"title": "Far", "start_date": "2026-01-05", "due_date": "2026-01-09"},
        headers=team.admin.headers,
    )
    assert_problem(
        await depend(client, team, a["id"], elsewhere.json()["id"]), 422, "unknown_reference"
    )
    bad_lag = await client.post(
        f"{milestones_url(team)}/{a['id']}/dependencies",
        json={"depends_on_id": c["id"], "lag_days": 366},
        headers=team.admin.headers,
    )
    assert_problem(bad_lag, 422, "validation_failed")
    after = await _counts(sessionmaker)
    assert (after[1], after[2]) == (before[1], before[2] + 1)


async def test_two_requests_closing_a_cycle_at_once_cannot_both_succeed(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    a, b = [await add_milestone(client, team, title) for title in "AB"]
    # Hold the project's lock, so both requests read the graph only after it is released.
    async with sessionmaker() as holder, holder.begin():
        await holder.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": project_lock_key(team.project.id)},
        )
        requests = [
            asyncio.create_task(depend(client, team, b["id"], a["id"])),
            asyncio.create_task(depend(client, team, a["id"], b["id"])),
        ]

        async def both_wait() -> bool:
            return await waiting_for_project_lock(sessionmaker, team.project.id) == 2

        await eventually(both_wait)
        assert await someone_waits_for_a_lock(sessionmaker)
    responses = await asyncio.gather(*requests)
    assert sorted(r.status_code for r in responses) == [201, 409]
    async with sessionmaker() as session:
        edges = await session.scalar(
            select(func.count())
            .select_from(MilestoneDependency)
            .where(MilestoneDependency.project_id == team.project.id)
        )
    assert edges == 1
