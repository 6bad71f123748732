"""Tenancy and roles across every route of the app, found in its OpenAPI document, so that
a new endpoint is covered the moment it exists.

- Slugs and ids of another workspace are 404 problem+json, for every route, and nothing is
  written.
- Guests get 403 from every route; members from every route that needs an admin (they
  read everything but utilization and conflicts of others).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.openapi import ApiOperation, api_operations
from worksync.resources.models import messaging
from worksync.resources.testing import TEMPLATE_PLAN, SeededWorld, seed_world

# What members may do besides reading: nothing (allocations need a project admin).
MEMBER_ALLOWED = {
    ("GET", "/workspaces/{ws}/team-members"),
    ("GET", "/workspaces/{ws}/team-members/{profile_id}"),
    ("GET", "/workspaces/{ws}/team-members/{profile_id}/time-off"),
    ("GET", "/workspaces/{ws}/allocations"),
    ("GET", "/workspaces/{ws}/allocations/{allocation_id}"),
    ("GET", "/workspaces/{ws}/conflicts"),
    ("GET", "/workspaces/{ws}/conflicts/{conflict_id}"),
    ("GET", "/workspaces/{ws}/utilization"),
    ("GET", "/workspaces/{ws}/projects/{pid}/milestones"),
    ("GET", "/workspaces/{ws}/projects/{pid}/milestones/{milestone_id}"),
    ("GET", "/workspaces/{ws}/projects/{pid}/milestones/{milestone_id}/deliverables"),
    (
        "GET",
        "/workspaces/{ws}/projects/{pid}/milestones/{milestone_id}/deliverables/{deliverable_id}",
    ),
    ("GET", "/workspaces/{ws}/projects/{pid}/critical-path"),
    ("GET", "/workspaces/{ws}/projects/{pid}/milestone-report"),
    ("GET", "/workspaces/{ws}/capacity-forecast"),
    ("GET", "/workspaces/{ws}/milestone-templates"),
    ("GET", "/workspaces/{ws}/milestone-templates/{template_id}"),
}
MILESTONE = "/workspaces/{ws}/projects/{pid}/milestones"
QUERIES: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/workspaces/{ws}/utilization"): {"from": "2026-01-05", "to": "2026-01-11"},
}


def _body(method: str, template: str, world: SeededWorld) -> Any:
    """A valid body for each route that takes one."""
    team = world.team
    bodies: dict[tuple[str, str], Any] = {
        ("POST", "/workspaces/{ws}/team-members"): {"user_id": str(team.member.id)},
        ("PATCH", "/workspaces/{ws}/team-members/{profile_id}"): {"role": "Lead"},
        ("POST", "/workspaces/{ws}/team-members/{profile_id}/time-off"): {
            "start_date": "2030-01-01",
            "end_date": "2030-01-02",
        },
        ("POST", "/workspaces/{ws}/allocations"): {
            "user_id": str(team.member.id),
            "project_id": str(team.project.id),
            "hours_per_week": 5,
            "start_date": "2030-01-01",
            "end_date": "2030-01-31",
        },
        ("PATCH", "/workspaces/{ws}/allocations/{allocation_id}"): {"notes": "Moved"},
        ("PUT", "/workspaces/{ws}/allocations/bulk"): {
            "operations": [
                {
                    "action": "create",
                    "user_id": str(team.member.id),
                    "project_id": str(team.project.id),
                    "hours_per_week": 5,
                    "start_date": "2030-01-01",
                    "end_date": "2030-01-31",
                },
                {"action": "delete", "id": world.ids["allocation_id"]},
            ]
        },
        ("POST", MILESTONE): {"title": "New", "start_date": "2026-02-02", "due_date": "2026-02-06"},
        ("PATCH", MILESTONE + "/{milestone_id}"): {"title": "Renamed"},
        ("POST", MILESTONE + "/{milestone_id}/dependencies"): {
            "depends_on_id": world.ids["depends_on_id"],
            "lag_days": 1,
        },
        ("POST", MILESTONE + "/{milestone_id}/deliverables"): {"title": "Code"},
        ("POST", "/workspaces/{ws}/milestone-templates"): {
            "name": "New",
            "milestones": TEMPLATE_PLAN,
        },
        ("PATCH", "/workspaces/{ws}/milestone-templates/{template_id}"): {"name": "Renamed"},
        ("POST", MILESTONE + "/from-template"): {
            "template_id": world.ids["template_id"],
            "anchor_date": "2026-03-02",
        },
        ("PATCH", MILESTONE + "/{milestone_id}/deliverables/{deliverable_id}"): {"status": "done"},
        ("POST", "/workspaces/{ws}/optimize-allocations"): {
            "start_date": "2026-01-01",
            "end_date": "2026-01-31",
        },
    }
    return bodies[(method, template)]


async def _call(
    client: httpx.AsyncClient,
    operation: ApiOperation,
    url: str,
    person: SeededUser,
    body_world: SeededWorld,
) -> httpx.Response:
    key = (operation.method, operation.template)
    body = _body(*key, body_world) if operation.has_body else None
    return await client.request(
        operation.method, url, json=body, params=QUERIES.get(key), headers=person.headers
    )


def _assert_not_found(response: httpx.Response, operation: ApiOperation) -> None:
    where = f"{operation.method} {operation.template}"
    assert response.status_code == 404, f"{where}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json"), where
    assert response.json()["code"].endswith("_not_found"), where


async def _outbox_size(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(messaging.outbox)) or 0)


@pytest.fixture
async def worlds(
    client: httpx.AsyncClient, seeder: DirectorySeeder
) -> tuple[SeededWorld, SeededWorld]:
    return await seed_world(client, seeder), await seed_world(client, seeder)


async def test_every_route_is_workspace_scoped_and_covered(app: FastAPI) -> None:
    operations = api_operations(app)
    assert len(operations) == 40
    known = {
        "ws",
        "profile_id",
        "time_off_id",
        "allocation_id",
        "conflict_id",
        "pid",
        "milestone_id",
        "depends_on_id",
        "deliverable_id",
        "template_id",
    }
    for operation in operations:
        assert set(operation.parameters) <= known, operation


async def test_another_workspaces_slug_and_ids_are_not_found(
    app: FastAPI,
    client: httpx.AsyncClient,
    worlds: tuple[SeededWorld, SeededWorld],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    mine, theirs = worlds
    me = mine.team.admin
    before = await _outbox_size(sessionmaker)
    for operation in api_operations(app):
        # Their workspace: I am no member there.
        url = operation.url(theirs.team.workspace.slug, theirs.ids)
        _assert_not_found(await _call(client, operation, url, me, theirs), operation)
        ids = operation.parameters[1:]
        if not ids:
            continue
        # My workspace, where I am the owner, with their ids.
        url = operation.url(mine.team.workspace.slug, theirs.ids)
        _assert_not_found(await _call(client, operation, url, me, mine), operation)
        if len(ids) > 1:
            # My profile, their time off.
            mixed = {**theirs.ids, ids[0]: mine.ids[ids[0]]}
            url = operation.url(mine.team.workspace.slug, mixed)
            _assert_not_found(await _call(client, operation, url, me, mine), operation)
    assert await _outbox_size(sessionmaker) == before, "a refused request wrote events"


async def test_guests_are_refused_everything_and_members_what_needs_an_admin(
    app: FastAPI,
    client: httpx.AsyncClient,
    worlds: tuple[SeededWorld, SeededWorld],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world, _ = worlds
    team = world.team
    before = await _outbox_size(sessionmaker)
    for operation in api_operations(app):
        url = operation.url(team.workspace.slug, world.ids)
        where = f"{operation.method} {operation.template}"
        response = await _call(client, operation, url, team.guest, world)
        assert response.status_code == 403, f"{where}: {response.status_code} {response.text}"
        assert response.json()["code"] == "insufficient_role", where
        response = await _call(client, operation, url, team.member, world)
        if (operation.method, operation.template) in MEMBER_ALLOWED:
            assert response.status_code == 200, f"{where}: {response.text}"
        else:
            assert response.status_code == 403, f"{where}: {response.status_code} {response.text}"
            assert response.json()["code"] == "insufficient_role", where
    assert await _outbox_size(sessionmaker) == before, "a refused request wrote events"
