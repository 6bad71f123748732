"""Tenancy and roles across every route of the app, found in its OpenAPI document, so that
a new endpoint is covered the moment it exists.

- Ids and slugs of another workspace are 404 problem+json, for every route, whatever the
  caller's role in their own workspace, and nothing is written.
- A guest gets 403 from every route except the few guests may use.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import SeededUser
from worksync.common.testing.openapi import ApiOperation, api_operations
from worksync.workspace.models import messaging
from worksync.workspace.testing import API, People, Workspaces, unique_email

# Routes outside any workspace: listing/creating one's own, and the invitation link (whose
# secret is the only key; a workspace id never appears).
UNSCOPED = {
    ("GET", f"{API}/workspaces"),
    ("POST", f"{API}/workspaces"),
    ("GET", f"{API}/invitations/{{token}}"),
    ("POST", f"{API}/invitations/{{token}}/accept"),
}
# What guests may do; every other route answers them 403.
GUEST_ALLOWED = {
    ("GET", "/workspaces/{ws}"),
    ("GET", "/workspaces/{ws}/members"),
    ("GET", "/workspaces/{ws}/members/me"),
    ("GET", "/workspaces/{ws}/members/{user_id}"),
    ("GET", "/workspaces/{ws}/projects"),
    ("GET", "/workspaces/{ws}/projects/{project_id}"),
    ("GET", "/workspaces/{ws}/projects/{project_id}/members"),
    ("GET", "/workspaces/{ws}/projects/{project_id}/members/{user_id}"),
    ("GET", "/workspaces/{ws}/departments"),
    ("GET", "/workspaces/{ws}/departments/tree"),
    ("GET", "/workspaces/{ws}/departments/{department_id}"),
}


@dataclass
class World:
    """A workspace with one of everything, and people in each role."""

    owner: SeededUser
    member: SeededUser
    guest: SeededUser
    slug: str
    ids: dict[str, str]


async def _world(people: People, workspaces: Workspaces) -> World:
    owner, member, guest = [await people.register() for _ in range(3)]
    slug = (await workspaces.create(owner))["slug"]
    await workspaces.add_member(slug, owner, member)
    await workspaces.add_member(slug, owner, guest, role="guest")
    project = await workspaces.create_project(slug, owner)
    base = f"/workspaces/{slug}"
    await workspaces.post(
        f"{base}/projects/{project['id']}/members", owner, {"user_id": str(member.id)}
    )
    await workspaces.post(
        f"{base}/projects/{project['id']}/members",
        owner,
        {"user_id": str(guest.id), "role": "guest"},
    )
    team = await workspaces.post(f"{base}/teams", owner, {"name": "Core"})
    await workspaces.post(f"{base}/teams/{team['id']}/members", owner, {"user_id": str(member.id)})
    await workspaces.post(f"{base}/projects/{project['id']}/teams/{team['id']}", owner, {})
    department = await workspaces.post(
        f"{base}/departments",
        owner,
        {
            "name": "Engineering",
            "code": "ENG",
            "short_name": "ENG",
            "dept_code": "0001",
            "manager_id": str(member.id),
            "linked_project_id": project["id"],
        },
    )
    staff = await workspaces.post(
        f"{base}/staff",
        owner,
        {"user_id": str(member.id), "staff_id": "E1", "department_id": department["id"]},
    )
    ids = {
        "project_id": project["id"],
        "team_id": team["id"],
        "user_id": str(member.id),
        "client_id": (await workspaces.post(f"{base}/clients", owner, {"name": "C"}))["id"],
        "category_id": (await workspaces.post(f"{base}/project-categories", owner, {"name": "K"}))[
            "id"
        ],
        "invitation_id": (
            await workspaces.post(f"{base}/invitations", owner, {"email": unique_email()})
        )["id"],
        "department_id": department["id"],
        "staff_profile_id": staff["id"],
    }
    return World(owner=owner, member=member, guest=guest, slug=slug, ids=ids)


def _body(method: str, template: str, user_id: str) -> Any:
    """A valid body for each route that takes one."""
    department = {"name": "New", "code": "NEW", "short_name": "NEW", "dept_code": "9999"}
    transfer = {"department_id": str(uuid.uuid4()), "effective_date": "2030-01-01"}
    bodies: dict[tuple[str, str], Any] = {
        ("PATCH", "/workspaces/{ws}"): {"name": "Renamed"},
        ("POST", "/workspaces/{ws}/members"): {"user_id": user_id},
        ("PATCH", "/workspaces/{ws}/members/{user_id}"): {"role": "admin"},
        ("POST", "/workspaces/{ws}/invitations"): {"email": unique_email()},
        ("POST", "/workspaces/{ws}/projects"): {"identifier": "NEW", "name": "New"},
        ("PATCH", "/workspaces/{ws}/projects/{project_id}"): {"name": "Renamed"},
        ("POST", "/workspaces/{ws}/projects/{project_id}/members"): {"user_id": user_id},
        ("PATCH", "/workspaces/{ws}/projects/{project_id}/members/{user_id}"): {"role": "admin"},
        ("POST", "/workspaces/{ws}/clients"): {"name": "New"},
        ("PATCH", "/workspaces/{ws}/clients/{client_id}"): {"name": "Renamed"},
        ("POST", "/workspaces/{ws}/project-categories"): {"name": "New"},
        ("PATCH", "/workspaces/{ws}/project-categories/{category_id}"): {"name": "Renamed"},
        ("POST", "/workspaces/{ws}/teams"): {"name": "New"},
        ("PATCH", "/workspaces/{ws}/teams/{team_id}"): {"name": "Renamed"},
        ("POST", "/workspaces/{ws}/teams/{team_id}/members"): {"user_id": user_id},
        ("PATCH", "/workspaces/{ws}/teams/{team_id}/members/{user_id}"): {"allocation_percent": 10},
        ("POST", "/workspaces/{ws}/departments"): department,
        ("PATCH", "/workspaces/{ws}/departments/{department_id}"): {"name": "Renamed"},
        ("POST", "/workspaces/{ws}/staff"): {"user_id": user_id, "staff_id": "NEW"},
        ("POST", "/workspaces/{ws}/staff/bulk-import"): [{"user_id": user_id, "staff_id": "NEW"}],
        ("PATCH", "/workspaces/{ws}/staff/{staff_profile_id}"): {"position": "Lead"},
        ("POST", "/workspaces/{ws}/staff/{staff_profile_id}/transfer"): transfer,
        ("POST", "/workspaces/{ws}/staff/{staff_profile_id}/deactivate"): {},
    }
    return bodies[(method, template)]


async def _call(
    client: httpx.AsyncClient, operation: ApiOperation, url: str, person: SeededUser, user_id: str
) -> httpx.Response:
    body = _body(operation.method, operation.template, user_id) if operation.has_body else None
    return await client.request(operation.method, url, json=body, headers=person.headers)


def _assert_not_found(response: httpx.Response, operation: ApiOperation) -> None:
    where = f"{operation.method} {operation.template}"
    assert response.status_code == 404, f"{where}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json"), where
    assert response.json()["code"].endswith("_not_found"), where


async def _outbox_size(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(messaging.outbox)) or 0)


@pytest.fixture
async def worlds(people: People, workspaces: Workspaces) -> tuple[World, World]:
    return await _world(people, workspaces), await _world(people, workspaces)


async def test_every_route_is_workspace_scoped_and_covered(app: FastAPI) -> None:
    operations = api_operations(app, unscoped=UNSCOPED)
    assert len(operations) >= 40
    known = {
        "ws",
        "project_id",
        "team_id",
        "user_id",
        "client_id",
        "category_id",
        "invitation_id",
        "department_id",
        "staff_profile_id",
    }
    for operation in operations:
        assert set(operation.parameters) <= known, operation
        if operation.has_body:
            _body(operation.method, operation.template, "0")


async def test_another_workspaces_slug_and_ids_are_not_found(
    app: FastAPI,
    client: httpx.AsyncClient,
    worlds: tuple[World, World],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    mine, theirs = worlds
    before = await _outbox_size(sessionmaker)
    for operation in api_operations(app, unscoped=UNSCOPED):
        # Their workspace, their ids: I am no member there.
        url = operation.url(theirs.slug, theirs.ids)
        _assert_not_found(
            await _call(client, operation, url, mine.owner, theirs.ids["user_id"]), operation
        )
        ids = operation.parameters[1:]
        if not ids:
            continue
        # My workspace, where I am the owner, with their ids.
        url = operation.url(mine.slug, theirs.ids)
        _assert_not_found(
            await _call(client, operation, url, mine.owner, theirs.ids["user_id"]), operation
        )
        if len(ids) > 1:
            # My project or team, their member or team.
            mixed = {**theirs.ids, ids[0]: mine.ids[ids[0]]}
            url = operation.url(mine.slug, mixed)
            _assert_not_found(
                await _call(client, operation, url, mine.owner, theirs.ids["user_id"]), operation
            )
    assert await _outbox_size(sessionmaker) == before, "a refused request wrote events"


async def test_guests_are_refused_everything_but_reading_their_projects(
    app: FastAPI,
    client: httpx.AsyncClient,
    worlds: tuple[World, World],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world, _ = worlds
    # The ids of others: a guest may remove only themself.
    ids = {**world.ids, "user_id": str(world.owner.id)}
    before = await _outbox_size(sessionmaker)
    for operation in api_operations(app, unscoped=UNSCOPED):
        url = operation.url(world.slug, ids)
        response = await _call(client, operation, url, world.guest, str(world.member.id))
        where = f"{operation.method} {operation.template}"
        if (operation.method, operation.template) in GUEST_ALLOWED:
            assert response.status_code == 200, f"{where}: {response.text}"
        else:
            assert response.status_code == 403, f"{where}: {response.status_code} {response.text}"
            assert response.json()["code"] in {"insufficient_role", "owner_required"}, where
    assert await _outbox_size(sessionmaker) == before, "a refused request wrote events"
