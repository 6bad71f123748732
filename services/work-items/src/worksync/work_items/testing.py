"""Test support for the work-items service: arranged workspaces and API shortcuts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.testing import timetracking_events
from worksync.common.testing.directory import (
    DirectorySeeder,
    SeededProject,
    SeededUser,
    SeededWorkspace,
)

# The stand-in for the workspace API is the kit's (the plugin's `workspace_api` fixture).
from worksync.work_items.models import messaging

API = "/api/v1"


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


def entry_event(
    verb: str,
    world: World,
    entry_id: UUID,
    *,
    issue_id: str | UUID | None,
    seconds: int,
    sequence: int,
) -> CloudEvent:
    """The kit's `entry_event` of the world's member in its project: `seconds` on 7 January
    2030, on `issue_id` if given."""
    return timetracking_events.entry_event(
        verb,
        entry_id=entry_id,
        workspace_id=world.workspace.id,
        user_id=world.member.id,
        project_id=world.project.id,
        days=[(date(2030, 1, 7), seconds)],
        sequence=sequence,
        issue_id=None if issue_id is None else UUID(str(issue_id)),
    )
