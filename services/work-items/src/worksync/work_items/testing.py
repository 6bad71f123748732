"""Test support for the work-items service: settings, a stand-in for the workspace API
(the directory's fallback), arranged workspaces, and API shortcuts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import (
    DirectorySeeder,
    SeededProject,
    SeededUser,
    SeededWorkspace,
    member_answer,
)
from worksync.common.testing.settings import build_test_settings
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.models import messaging

API = "/api/v1"
WORKSPACE_API_URL = "http://workspace.test"
_PROJECT_PATH = re.compile(r"^/api/v1/workspaces/([^/]+)/projects/([0-9a-f-]{36})$")
_MEMBER_PATH = re.compile(r"^/api/v1/workspaces/([^/]+)/members/([0-9a-f-]{36})$")


def build_settings(database_url: str, amqp_url: str, **overrides: Any) -> WorkItemsSettings:
    defaults: dict[str, Any] = {
        "workspace_api_url": WORKSPACE_API_URL,
    }
    return build_test_settings(
        WorkItemsSettings, database_url, amqp_url, **{**defaults, **overrides}
    )


@dataclass
class FakeWorkspaceApi:
    """Answers the directory's project and member look-ups for the projects and members a
    test registers, 404 for everything else (the workspace service knows nothing the events
    did not say)."""

    projects: dict[tuple[str, UUID], dict[str, Any]] = field(default_factory=dict)
    members: dict[tuple[str, UUID], dict[str, Any]] = field(default_factory=dict)

    def add_project(self, slug: str, project_id: UUID, workspace_id: UUID, identifier: str) -> None:
        self.projects[slug, project_id] = {
            "id": str(project_id),
            "workspace_id": str(workspace_id),
            "identifier": identifier,
            "name": "Known through the fallback",
            "status": "active",
            "is_time_tracking_enabled": True,
            "archived_at": None,
            "version": 1,
        }

    def add_member(
        self, workspace: SeededWorkspace, user: SeededUser, *, role: str = "member"
    ) -> None:
        """A member the workspace service has, whose event has not arrived."""
        self.members[workspace.slug, user.id] = member_answer(workspace, user, role=role)

    def answer(self, request: httpx.Request) -> httpx.Response:
        for pattern, known in ((_PROJECT_PATH, self.projects), (_MEMBER_PATH, self.members)):
            found = pattern.match(request.url.path)
            if found is not None:
                answer = known.get((found.group(1), UUID(found.group(2))))
                if answer is not None:
                    return httpx.Response(200, content=json.dumps(answer))
        return httpx.Response(404, json={"status": 404, "code": "not_found"})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.answer))


@dataclass(frozen=True)
class World:
    """A workspace with a project and a person in each role of it."""

    workspace: SeededWorkspace
    project: SeededProject
    admin: SeededUser  # a workspace member who is project admin
    member: SeededUser  # a workspace member who is project member
    guest: SeededUser  # a workspace guest who is project guest
    viewer: SeededUser  # a workspace member outside the project: sees it, may not write

    @property
    def owner(self) -> SeededUser:
        return self.workspace.owner

    @property
    def slug(self) -> str:
        return self.workspace.slug

    def url(self, path: str = "") -> str:
        return f"{API}/workspaces/{self.slug}/projects/{self.project.id}{path}"


async def arrange_world(seeder: DirectorySeeder) -> World:
    workspace = await seeder.workspace()
    admin = await seeder.member(workspace, role="member", display_name="Adam Admin")
    member = await seeder.member(workspace, role="member", display_name="Mia Member")
    guest = await seeder.member(workspace, role="guest", display_name="Gus Guest")
    viewer = await seeder.member(workspace, role="member", display_name="Vic Viewer")
    project = await seeder.project(workspace)
    await seeder.project_member(project, admin, role="admin")
    await seeder.project_member(project, member, role="member")
    await seeder.project_member(project, guest, role="guest")
    return World(
        workspace=workspace,
        project=project,
        admin=admin,
        member=member,
        guest=guest,
        viewer=viewer,
    )


class Api:
    """API shortcuts for arranging tests: each asserts its own success."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, url: str, user: SeededUser, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(url, json=body, headers=user.headers)
        assert response.status_code in (200, 201), response.text
        created: dict[str, Any] = response.json()
        return created

    async def get(self, url: str, user: SeededUser, **params: Any) -> dict[str, Any]:
        response = await self.client.get(url, params=params, headers=user.headers)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def issue(
        self, world: World, user: SeededUser | None = None, **body: Any
    ) -> dict[str, Any]:
        return await self.post(
            world.url("/issues"), user or world.member, {"title": "An issue", **body}
        )

    async def label(self, world: World, name: str, **body: Any) -> dict[str, Any]:
        return await self.post(world.url("/labels"), world.member, {"name": name, **body})

    async def states(self, world: World) -> dict[str, dict[str, Any]]:
        """The project's states by name."""
        page = await self.get(world.url("/states"), world.member, limit=100)
        return {state["name"]: state for state in page["items"]}


async def outbox_size(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(messaging.outbox)) or 0)


async def issue_events(
    sessionmaker: async_sessionmaker[AsyncSession], issue_id: str
) -> list[dict[str, Any]]:
    """The envelopes recorded for one issue, oldest first."""
    outbox = messaging.outbox
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(outbox.c.envelope)
            .where(outbox.c.envelope["subject"].astext == issue_id)
            .order_by(outbox.c.envelope["sequence"].as_integer())
        )
        return list(rows)
