"""Tenancy and roles across every route of the app, found in its OpenAPI document, so that
a new endpoint is covered the moment it exists.

- Slugs and ids of another workspace or project are 404 problem+json, for every route,
  and nothing is written.
- A project guest reads everything and is refused (403) every write.

Most routes are below a project; the templates are below the workspace.
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

WORKSPACE = f"{API}/workspaces/{{ws}}"
PROJECT = "/projects/{pid}"
TEMPLATES = "/templates"
PARAMETER = re.compile(r"\{([a-z_]+)\}")
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/states"): {"name": "New", "group": "started"},
    ("PATCH", "/states/{state_id}"): {"name": "Renamed"},
    ("POST", "/issues"): {"title": "New"},
    ("PATCH", "/issues/{iid}"): {"title": "Renamed"},
    ("POST", "/labels"): {"name": "New"},
    ("PATCH", "/labels/{label_id}"): {"name": "Renamed"},
    ("POST", "/issues/{iid}/comments"): {"body": "Hello"},
    ("PATCH", "/issues/{iid}/comments/{comment_id}"): {"body": "Edited"},
    ("POST", "/issues/{iid}/comments/{comment_id}/reactions"): {"emoji": "+1"},
    ("POST", "/boards"): {"name": "New board"},
    ("PATCH", "/boards/{board_id}"): {"name": "Renamed"},
    ("POST", "/boards/{board_id}/columns"): {
        "name": "New",
        "state_ids": ["00000000-0000-7000-8000-000000000000"],
    },
    ("PATCH", "/boards/{board_id}/columns/{column_id}"): {"name": "Renamed"},
    ("POST", "/boards/{board_id}/columns/reorder"): {"column_ids": []},
    ("POST", "/issues/{iid}/move"): {},
    ("PATCH", "/issue-settings"): {"guests_may_comment": True},
    ("POST", "/issues/{iid}/relations"): {
        "type": "relates_to",
        "issue_id": "00000000-0000-7000-8000-000000000000",
    },
    ("POST", "/templates"): {"name": "New", "phases": [{"title": "Phase"}]},
    ("PATCH", "/templates/{template_id}"): {"name": "Renamed"},
    ("POST", "/templates/from-project"): lambda ids: {"project_id": ids["pid"], "name": "Saved"},
    ("POST", "/templates/{template_id}/apply"): lambda ids: {"project_id": ids["pid"]},
}


@dataclass(frozen=True)
class Operation:
    method: str
    template: str  # below the project, or below the workspace when not project-scoped
    parameters: tuple[str, ...]  # below the project or workspace
    has_body: bool
    project_scoped: bool

    def url(self, slug: str, ids: dict[str, str]) -> str:
        below = f"{PROJECT}{self.template}" if self.project_scoped else self.template
        path = f"{API}/workspaces/{slug}{below}".replace("{pid}", ids["pid"])
        for name in self.parameters:
            path = path.replace(f"{{{name}}}", ids[name])
        return path

    @property
    def names_ids(self) -> bool:
        """Whether the request names a project or row (else, in my own workspace, it is
        simply allowed: listing or creating templates)."""
        body = BODIES.get((self.method, self.template))
        return self.project_scoped or bool(self.parameters) or callable(body)

    def body(self, ids: dict[str, str]) -> Any:
        if not self.has_body:
            return None
        body = BODIES[(self.method, self.template)]
        return body(ids) if callable(body) else body


def _operations(app: FastAPI) -> list[Operation]:
    found: list[Operation] = []
    for path, item in app.openapi()["paths"].items():
        if not path.startswith(API):
            continue
        below = path.removeprefix(WORKSPACE)
        project_scoped = below.startswith(PROJECT)
        assert project_scoped or below.startswith(TEMPLATES), f"{path} is not scoped"
        template = below.removeprefix(PROJECT) if project_scoped else below
        for method, operation in item.items():
            found.append(
                Operation(
                    method=method.upper(),
                    template=template,
                    parameters=tuple(PARAMETER.findall(template)),
                    has_body="requestBody" in operation,
                    project_scoped=project_scoped,
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
    issue = await api.issue(world)
    comment = await api.post(
        world.url(f"/issues/{issue['id']}/comments"), world.member, {"body": "First"}
    )
    board = await api.post(world.url("/boards"), world.admin, {"name": "Board"})
    template = await api.post(
        f"{API}/workspaces/{world.slug}/templates",
        world.member,
        {"name": "Template", "phases": [{"title": "Phase", "tasks": [{"key": "a", "title": "A"}]}]},
    )
    relation = await api.post(
        world.url(f"/issues/{issue['id']}/relations"),
        world.member,
        {"type": "blocks", "issue_id": (await api.issue(world))["id"]},
    )
    ids = {
        "pid": str(world.project.id),
        "state_id": state["id"],
        "iid": issue["id"],
        "label_id": (await api.label(world, "Tag"))["id"],
        "comment_id": comment["id"],
        "emoji": "+1",
        "board_id": board["id"],
        "column_id": board["columns"][0]["id"],
        "relation_id": relation["id"],
        "template_id": template["id"],
    }
    return Place(world=world, ids=ids)


async def _call(
    client: httpx.AsyncClient,
    operation: Operation,
    url: str,
    user: SeededUser,
    ids: dict[str, str],
) -> httpx.Response:
    return await client.request(
        operation.method, url, json=operation.body(ids), headers=user.headers
    )


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
    assert len(operations) == 48
    for operation in operations:
        assert set(operation.parameters) <= {
            "state_id",
            "iid",
            "label_id",
            "comment_id",
            "emoji",
            "board_id",
            "column_id",
            "relation_id",
            "template_id",
        }, operation
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
        _assert_not_found(await _call(client, operation, url, me, theirs.ids), operation)
        if not operation.names_ids:
            continue
        # My workspace, where I am the owner, with their project.
        url = operation.url(mine.world.slug, theirs.ids)
        _assert_not_found(await _call(client, operation, url, me, theirs.ids), operation)
        if operation.parameters:
            # My project, their state, issue, label, comment, board, relation or template.
            ids = {**theirs.ids, "pid": mine.ids["pid"]}
            url = operation.url(mine.world.slug, ids)
            _assert_not_found(await _call(client, operation, url, me, ids), operation)
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
        response = await _call(client, operation, url, place.world.guest, place.ids)
        where = f"{operation.method} {operation.template}"
        if operation.method == "GET":
            assert response.status_code == 200, f"{where}: {response.text}"
        else:
            assert response.status_code == 403, f"{where}: {response.status_code} {response.text}"
            assert response.json()["code"] == "insufficient_role", where
    assert await outbox_size(sessionmaker) == before, "a refused request wrote events"
