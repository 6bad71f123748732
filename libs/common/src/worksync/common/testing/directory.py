"""Arranging the directory in a consuming service's tests, the way production fills it.

`DirectorySeeder` delivers workspace events to the service's own handler map (the one its
worker consumes with), each in a transaction of its own as the consumer runs them, so that a
service's handlers of `workspace.*` events (default states for a new project, a capacity
profile for a new member) run too. Sequences rise per aggregate, as the workspace service's
row versions do::

    seeder = DirectorySeeder(HANDLERS, sessionmaker, minter)
    acme = await seeder.workspace(timezone="Europe/Berlin")
    ada = await seeder.member(acme, role="member")
    apollo = await seeder.project(acme)
    await seeder.project_member(apollo, ada, role="member")
    response = await client.get(f"/api/v1/workspaces/{acme.slug}/...", headers=ada.headers)
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler
from worksync.common.ids import new_id
from worksync.common.testing.tokens import TokenMinter
from worksync.common.testing.workspace_events import (
    member_event,
    project_event,
    project_member_event,
    workspace_event,
)


@dataclass(frozen=True)
class SeededUser:
    id: UUID
    email: str
    display_name: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class SeededWorkspace:
    id: UUID
    slug: str
    owner: SeededUser
    timezone: str


@dataclass(frozen=True)
class SeededProject:
    id: UUID
    workspace: SeededWorkspace
    identifier: str
    name: str


def _identifier() -> str:
    """Two to ten upper-case letters, distinct enough between a test's projects."""
    return "".join(chr(ord("A") + int(digit, 16) % 26) for digit in uuid.uuid4().hex[:6])


@dataclass
class DirectorySeeder:
    handlers: Mapping[str, Handler]
    sessionmaker: async_sessionmaker[AsyncSession]
    minter: TokenMinter
    _sequences: defaultdict[tuple[str, UUID], int] = field(default_factory=lambda: defaultdict(int))

    def next_sequence(self, aggregate: str, key: UUID) -> int:
        self._sequences[(aggregate, key)] += 1
        return self._sequences[(aggregate, key)]

    async def deliver(self, event: CloudEvent) -> None:
        """Hand one event to its handler in a transaction of its own, as the consumer does."""
        async with self.sessionmaker.begin() as session:
            await self.handlers[event.type](session, event)

    def user(self, display_name: str = "Ada Lovelace") -> SeededUser:
        """A signed-in user the app trusts, not yet a member of anything."""
        user_id = new_id()
        email = f"{display_name.split()[0].lower()}-{user_id.hex[-10:]}@example.com"
        token = self.minter.mint(user_id, email=email, name=display_name)
        return SeededUser(id=user_id, email=email, display_name=display_name, token=token)

    async def workspace(
        self,
        *,
        owner: SeededUser | None = None,
        timezone: str = "Europe/Berlin",
        **settings: Any,
    ) -> SeededWorkspace:
        """A workspace and its owner's membership."""
        owner = owner or self.user("Olivia Owner")
        workspace_id = new_id()
        slug = f"ws-{workspace_id.hex[-12:]}"
        await self.deliver(
            workspace_event(
                "created",
                workspace_id,
                slug=slug,
                sequence=self.next_sequence("workspace", workspace_id),
                owner_id=owner.id,
                timezone=timezone,
                **settings,
            )
        )
        workspace = SeededWorkspace(id=workspace_id, slug=slug, owner=owner, timezone=timezone)
        await self.set_member(workspace, owner, role="owner", verb="added")
        return workspace

    async def member(
        self, workspace: SeededWorkspace, *, role: str = "member", display_name: str = "Ada"
    ) -> SeededUser:
        """A new user who joins the workspace with `role`."""
        user = self.user(display_name)
        await self.set_member(workspace, user, role=role, verb="added")
        return user

    async def set_member(
        self, workspace: SeededWorkspace, user: SeededUser, *, role: str, verb: str = "updated"
    ) -> None:
        """A `workspace.member.<verb>` event: added, updated or removed."""
        await self.deliver(
            member_event(
                verb,
                workspace.id,
                user.id,
                role=role,
                sequence=self.next_sequence("member", _pair(workspace.id, user.id)),
                email=user.email,
                display_name=user.display_name,
            )
        )

    async def project(
        self,
        workspace: SeededWorkspace,
        *,
        identifier: str | None = None,
        name: str = "Apollo",
        **fields: Any,
    ) -> SeededProject:
        """A project of the workspace (`fields`: is_time_tracking_enabled, visibility,
        default_hourly_rate, archived_at)."""
        project = SeededProject(
            id=new_id(), workspace=workspace, identifier=identifier or _identifier(), name=name
        )
        await self.update_project(project, verb="created", **fields)
        return project

    async def update_project(
        self, project: SeededProject, *, verb: str = "updated", **fields: Any
    ) -> None:
        """A `workspace.project.<verb>` event carrying the project with `fields` changed."""
        await self.deliver(
            project_event(
                verb,
                project.id,
                project.workspace.id,
                sequence=self.next_sequence("project", project.id),
                name=project.name,
                identifier=project.identifier,
                **fields,
            )
        )

    async def project_member(
        self,
        project: SeededProject,
        user: SeededUser,
        *,
        role: str = "member",
        hourly_rate: str | None = None,
        verb: str = "added",
    ) -> None:
        """A `workspace.project_member.<verb>` event: added, updated or removed."""
        await self.deliver(
            project_member_event(
                verb,
                project.id,
                project.workspace.id,
                user.id,
                role=role,
                sequence=self.next_sequence("project_member", _pair(project.id, user.id)),
                hourly_rate=hourly_rate,
            )
        )


def _pair(first: UUID, second: UUID) -> UUID:
    return uuid.uuid5(first, str(second))
