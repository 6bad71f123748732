"""What each change writes to the outbox: one event per change, in the request's
transaction, its sequence the row's version; nothing when the request fails."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.workspace.models import messaging
from worksync.workspace.testing import API, People, Workspaces, published_events

outbox = messaging.outbox


def _types_and_sequences(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(event["type"], event["sequence"]) for event in events]


async def _outbox_size(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(outbox)) or 0)


async def test_workspace_and_member_events(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register("Ada"), await people.register("Bob")
    workspace = await workspaces.create(ada, name="Acme", settings={"currency": "EUR"})
    slug, workspace_id = workspace["slug"], workspace["id"]
    member = await workspaces.add_member(slug, ada, bob)
    base = f"{API}/workspaces/{slug}"
    await client.patch(f"{base}/members/{bob.id}", json={"role": "admin"}, headers=ada.headers)
    await client.delete(f"{base}/members/{bob.id}", headers=bob.headers)
    await workspaces.add_member(slug, ada, bob, role="guest")
    await client.patch(base, json={"settings": {"week_start": "sunday"}}, headers=ada.headers)
    await client.delete(base, headers=ada.headers)

    workspace_events = await published_events(sessionmaker, workspace_id)
    assert _types_and_sequences(workspace_events) == [
        ("workspace.workspace.created", 1),
        ("workspace.workspace.updated", 2),
        ("workspace.workspace.deleted", 3),
    ]
    created = workspace_events[0]
    assert created["source"] == "worksync/workspace"
    assert created["workspaceid"] == workspace_id
    assert created["actorid"] == str(ada.id)
    assert created["data"] == {
        "workspace_id": workspace_id,
        "slug": slug,
        "name": "Acme",
        "owner_id": str(ada.id),
        "timezone": "UTC",
        "week_start": "monday",
        "working_hours_per_day": 8.0,
        "currency": "EUR",
        "rounding": {"begin": None, "end": None, "duration": None},
        "lockdown_date": None,
        "timesheet_period": "weekly",
    }
    assert workspace_events[1]["data"]["week_start"] == "sunday"

    member_events = await published_events(sessionmaker, member["id"])
    assert _types_and_sequences(member_events) == [
        ("workspace.member.added", 1),
        ("workspace.member.updated", 2),
        ("workspace.member.removed", 3),
        ("workspace.member.added", 4),
        ("workspace.member.removed", 5),
    ]
    assert member_events[0]["data"] == {
        "workspace_id": workspace_id,
        "user_id": str(bob.id),
        "role": "member",
        "email": bob.email,
        "display_name": "Bob",
    }
    assert [event["data"]["role"] for event in member_events] == [
        "member",
        "admin",
        "admin",
        "guest",
        "guest",
    ]


async def test_project_and_project_member_events(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    project = await workspaces.create_project(
        slug, ada, identifier="EVT", budget_amount="10", budget_hours="2.5"
    )
    url = f"{API}/workspaces/{slug}/projects/{project['id']}"
    added = await workspaces.post(
        f"/workspaces/{slug}/projects/{project['id']}/members",
        ada,
        {"user_id": str(bob.id), "hourly_rate": "50"},
    )
    await client.patch(f"{url}/members/{bob.id}", json={"role": "admin"}, headers=ada.headers)
    await client.delete(f"{url}/members/{bob.id}", headers=ada.headers)
    await client.post(f"{url}/members", json={"user_id": str(bob.id)}, headers=ada.headers)
    await client.patch(url, json={"priority": "low"}, headers=ada.headers)
    await client.post(f"{url}/archive", headers=ada.headers)
    await client.post(f"{url}/unarchive", headers=ada.headers)
    await client.delete(url, headers=ada.headers)

    project_events = await published_events(sessionmaker, project["id"])
    assert _types_and_sequences(project_events) == [
        ("workspace.project.created", 1),
        ("workspace.project.updated", 2),
        ("workspace.project.archived", 3),
        ("workspace.project.unarchived", 4),
        ("workspace.project.deleted", 5),
    ]
    assert project_events[0]["data"] == {
        "project_id": project["id"],
        "workspace_id": project["workspace_id"],
        "identifier": "EVT",
        "name": "Website",
        "status": "active",
        "priority": "medium",
        "is_time_tracking_enabled": True,
        "visibility": "public",
        "currency": "USD",
        "default_hourly_rate": None,
        "budget_amount": "10.00",
        "budget_hours": 2.5,
        "start_date": None,
        "end_date": None,
        "lead_id": None,
        "client_id": None,
        "department_id": None,
        "rounding": None,
        "archived_at": None,
    }
    assert project_events[2]["data"]["archived_at"] is not None

    membership_events = await published_events(sessionmaker, added["id"])
    assert _types_and_sequences(membership_events) == [
        ("workspace.project_member.added", 1),
        ("workspace.project_member.updated", 2),
        ("workspace.project_member.removed", 3),
        ("workspace.project_member.added", 4),
        ("workspace.project_member.removed", 5),  # with the project's deletion
    ]
    assert membership_events[0]["data"] == {
        "project_id": project["id"],
        "workspace_id": project["workspace_id"],
        "user_id": str(bob.id),
        "role": "member",
        "hourly_rate": "50.00",
    }


async def test_team_events_count_in_the_teams_sequence(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    team = await workspaces.post(f"/workspaces/{slug}/teams", ada, {"name": "Core"})
    url = f"{API}/workspaces/{slug}/teams/{team['id']}"
    await client.post(f"{url}/members", json={"user_id": str(bob.id)}, headers=ada.headers)
    await client.patch(
        f"{url}/members/{bob.id}", json={"allocation_percent": 40}, headers=ada.headers
    )
    await client.delete(f"{url}/members/{bob.id}", headers=ada.headers)
    await client.patch(url, json={"lead_id": str(ada.id)}, headers=ada.headers)
    await client.delete(url, headers=ada.headers)

    events = await published_events(sessionmaker, team["id"])
    assert _types_and_sequences(events) == [
        ("workspace.team.created", 1),
        ("workspace.team.member_added", 2),
        ("workspace.team.member_updated", 3),
        ("workspace.team.member_removed", 4),
        ("workspace.team.updated", 5),
        ("workspace.team.deleted", 6),
    ]
    assert events[2]["data"] == {
        "team_id": team["id"],
        "workspace_id": team["workspace_id"],
        "name": "Core",
        "lead_id": None,
        "user_id": str(bob.id),
        "allocation_percent": 40,
    }
    assert events[4]["data"]["lead_id"] == str(ada.id)


async def test_failed_requests_write_no_events(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada = await people.register()
    workspace = await workspaces.create(ada)
    slug = workspace["slug"]
    project = await workspaces.create_project(slug, ada, identifier="DUP")
    before = await _outbox_size(sessionmaker)
    base = f"{API}/workspaces/{slug}"
    failures = [
        (
            await client.post(
                f"{API}/workspaces", json={"slug": slug, "name": "x"}, headers=ada.headers
            ),
            409,
        ),
        (await client.delete(f"{base}/members/{ada.id}", headers=ada.headers), 409),
        (
            await client.post(
                f"{base}/projects", json={"identifier": "DUP", "name": "x"}, headers=ada.headers
            ),
            409,
        ),
        (
            await client.patch(
                f"{base}/projects/{project['id']}",
                json={"end_date": "2000-01-01", "start_date": "2001-01-01"},
                headers=ada.headers,
            ),
            422,
        ),
    ]
    for response, status in failures:
        assert response.status_code == status, response.text
    assert await _outbox_size(sessionmaker) == before
    assert_problem(failures[1][0], 409, "last_owner")


async def test_client_events(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Created, renamed (a description alone changes nothing the events carry), deleted;
    a refused rename or deletion records nothing."""
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    base = f"{API}/workspaces/{slug}/clients"
    initech = await workspaces.post(f"/workspaces/{slug}/clients", ada, {"name": "Initech"})
    await workspaces.post(f"/workspaces/{slug}/clients", ada, {"name": "Globex"})
    url = f"{base}/{initech['id']}"
    await client.patch(url, json={"description": "Printers"}, headers=ada.headers)
    await client.patch(url, json={"name": "Initrode"}, headers=ada.headers)
    project = await workspaces.create_project(slug, ada, client_id=initech["id"])
    taken = await client.patch(url, json={"name": "globex"}, headers=ada.headers)
    in_use = await client.delete(url, headers=ada.headers)
    assert_problem(taken, 409, "client_name_taken")
    assert_problem(in_use, 409, "client_in_use")
    await client.delete(f"{API}/workspaces/{slug}/projects/{project['id']}", headers=ada.headers)
    assert (await client.delete(url, headers=ada.headers)).status_code == 204

    events = await published_events(sessionmaker, initech["id"])
    # The description took version 2 (the client's ETag) without an event.
    assert _types_and_sequences(events) == [
        ("workspace.client.created", 1),
        ("workspace.client.updated", 3),
        ("workspace.client.deleted", 4),
    ]
    assert events[0]["workspaceid"] == initech["workspace_id"]
    assert events[0]["actorid"] == str(ada.id)
    assert [event["data"] for event in events] == [
        {"client_id": initech["id"], "workspace_id": initech["workspace_id"], "name": name}
        for name in ("Initech", "Initrode", "Initrode")
    ]
