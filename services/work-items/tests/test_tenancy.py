"""Tenancy and roles across every route of the app, found in its OpenAPI document, so that
a new endpoint is covered the moment it exists.

- Slugs and ids of another workspace or project are 404 problem+json, for every route,
  and nothing is written.
- A project guest reads everything and is refused (403) every write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.work_items.testing import API, Api, World, arrange_world, outbox_size

WORKSPACE_SCOPED = f"{API}/workspaces/{{ws}}/projects/{{pid}}"
PARAMETER = re.compile(r"\{([a-z_]+)\}")
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/states"): {"name": "New", "group": "started"},
    ("PATCH", "/states/{state_id}"): {"name": "Renamed"},
    ("POST", "/issues"): {"title": "New"},
    ("PATCH", "/issues/{iid}"): {"title": "Renamed"},
    ("POST", "/labels"): {"name": "New"},
    ("PATCH", "/labels/{label_id}"): {"name": "Renamed"},
}


@dataclass(frozen=True)
class Operation:
    method: str
    template: str  # below the project
    parameters: tuple[str, ...]  # below the project
    has_body: bool

    def url(self, slug: str, ids: dict[str, str]) -> str:
        path = f"{API}/workspaces/{slug}/projects/{ids['pid']}{self.template}"
        for name in self.parameters:
            path = path.replace(f"{{{name}}}", ids[name])
        return path

    @property
    def body(self) -> Any:
        return BODIES[(self.method, self.template)] if self.has_body else None


def _operations(app: FastAPI) -> list[Operation]:
    found: list[Operation] = []
    for path, item in app.openapi()["paths"].items():
        if not path.startswith(API):
            continue
        assert path.startswith(WORKSPACE_SCOPED), f"{path} is not project-scoped"
        template = path.removeprefix(WORKSPACE_SCOPED)
        for method, operation in item.items():
            found.append(
                Operation(
                    method=method.upper(),
                    template=template,
                    parameters=tuple(PARAMETER.findall(template)),
                    has_body="requestBody" in operation,
                )
            )
    return found


@dataclass(frozen=True)
class Place:
    world: World
    ids: dict[str, str]


async def _place(api: Api, seeder: DirectorySeeder) -> Place:
    world = await arrange_world(seeder)
    state = await api.post(world.url("/states"), world.admin, {"name": "Extra", "group": "started"})
    ids = {
        "pid": str(world.project.id),
        "state_id": state["id"],
        "iid": (await api.issue(world))["id"],
        "label_id": (await api.label(world, "Tag"))["id"],
    }
    return Place(world=world, ids=ids)


async def _call(
    client: httpx.AsyncClient, operation: Operation, url: str, user: SeededUser
) -> httpx.Response:
    return await client.request(operation.method, url, json=operation.body, headers=user.headers)


def _assert_not_found(response: httpx.Response, operation: Operation) -> None:
    where = f"{operation.method} {operation.template}"
    assert response.status_code == 404, f"{where}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json"), where
    assert response.json()["code"].endswith("_not_found"), where


@pytest.fixture
async def places(api: Api, seeder: DirectorySeeder) -> tuple[Place, Place]:
    return await _place(api, seeder), await _place(api, seeder)


async def test_every_route_is_project_scoped_and_covered(app: FastAPI) -> None:
    operations = _operations(app)
    assert len(operations) == 16
    for operation in operations:
        assert set(operation.parameters) <= {"state_id", "iid", "label_id"}, operation
        if operation.has_body:
            assert (operation.method, operation.template) in BODIES, operation


async def test_another_workspaces_and_projects_ids_are_not_found(
    app: FastAPI,
    client: httpx.AsyncClient,
    places: tuple[Place, Place],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    mine, theirs = places
    me = mine.world.owner
    before = await outbox_size(sessionmaker)
    for operation in _operations(app):
        # Their workspace and ids: I am no member there.
        url = operation.url(theirs.world.slug, theirs.ids)
        _assert_not_found(await _call(client, operation, url, me), operation)
        # My workspace, where I am the owner, with their project.
        url = operation.url(mine.world.slug, theirs.ids)
        _assert_not_found(await _call(client, operation, url, me), operation)
        if operation.parameters:
            # My project, their state, issue or label.
            url = operation.url(mine.world.slug, {**theirs.ids, "pid": mine.ids["pid"]})
            _assert_not_found(await _call(client, operation, url, me), operation)
    assert await outbox_size(sessionmaker) == before, "a refused request wrote events"


async def test_guests_read_everything_and_write_nothing(
    app: FastAPI,
    client: httpx.AsyncClient,
    places: tuple[Place, Place],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    place, _ = places
    before = await outbox_size(sessionmaker)
    for operation in _operations(app):
        url = operation.url(place.world.slug, place.ids)
        response = await _call(client, operation, url, place.world.guest)
        where = f"{operation.method} {operation.template}"
        if operation.method == "GET":
            assert response.status_code == 200, f"{where}: {response.text}"
        else:
            assert response.status_code == 403, f"{where}: {response.status_code} {response.text}"
            assert response.json()["code"] == "insufficient_role", where
    assert await outbox_size(sessionmaker) == before, "a refused request wrote events"
