"""Test support for the timetracking service (and suites that run it): issues as work-items
announces them, and a stand-in for the work-items API served over real HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.errors import problem_for_status, problem_response
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler
from worksync.common.ids import new_id
from worksync.common.testing.consumer_contracts import load_contract
from worksync.common.testing.directory import (
    DirectorySeeder,
    SeededProject,
    SeededUser,
    SeededWorkspace,
)
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.common.testing.workspace_events import project_event, workspace_event
from worksync.timetracking.models import Break, TimeEntry, messaging

API = "/api/v1"
ISSUE_LOOK_UP = load_contract("timetracking-on-work-items").interactions["issue"]


def issue_event(
    verb: str,
    issue_id: UUID,
    *,
    workspace_id: UUID,
    project_id: UUID,
    sequence: int,
    key: str = "APL-1",
    title: str = "Land on the moon",
    estimate_minutes: int | None = 120,
    deleted_at: datetime | None = None,
) -> CloudEvent:
    """A `workitems.issue.<verb>` event in the contract's IssueSnapshot shape."""
    data = {
        "issue_id": str(issue_id),
        "workspace_id": str(workspace_id),
        "project_id": str(project_id),
        "sequence_id": int(key.rsplit("-", 1)[-1]),
        "key": key,
        "title": title,
        "state_id": str(new_id()),
        "state_group": "started",
        "priority": "none",
        "assignee_ids": [],
        "label_ids": [],
        "parent_id": None,
        "start_date": None,
        "due_date": None,
        "estimate_minutes": estimate_minutes,
        "completed_at": None,
        "deleted_at": deleted_at.isoformat() if deleted_at else None,
    }
    return CloudEvent(
        source="worksync/work-items",
        type=f"workitems.issue.{verb}",
        subject=str(issue_id),
        workspaceid=str(workspace_id),
        sequence=sequence,
        data=data,
    )


@dataclass
class Issues:
    """Issues announced the way work-items announces them, delivered into `handlers`."""

    handlers: Mapping[str, Handler]
    sessionmaker: async_sessionmaker[AsyncSession]
    _count: int = 0

    async def deliver(self, event: CloudEvent) -> None:
        async with self.sessionmaker.begin() as session:
            await self.handlers[event.type](session, event)

    async def create(
        self, workspace_id: UUID, project_id: UUID, *, estimate_minutes: int | None = 120
    ) -> UUID:
        self._count += 1
        issue_id = new_id()
        await self.deliver(
            issue_event(
                "created",
                issue_id,
                workspace_id=workspace_id,
                project_id=project_id,
                sequence=1,
                key=f"APL-{self._count}",
                title=f"Issue {self._count}",
                estimate_minutes=estimate_minutes,
            )
        )
        return issue_id


async def outbox_of(
    sessionmaker: async_sessionmaker[AsyncSession], subject: UUID
) -> list[dict[str, Any]]:
    """The envelopes of the events about `subject`, in the order they were written."""
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(messaging.outbox.c.envelope)
            .where(messaging.outbox.c.envelope["subject"].astext == str(subject))
            .order_by(messaging.outbox.c.created_at, messaging.outbox.c.id)
        )
        return list(rows)


async def entries_of(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: UUID
) -> list[TimeEntry]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(TimeEntry).where(TimeEntry.user_id == user_id).order_by(TimeEntry.sort_at)
        )
        return list(rows)


async def breaks_of(sessionmaker: async_sessionmaker[AsyncSession], entry_id: UUID) -> list[Break]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(Break).where(Break.entry_id == entry_id).order_by(Break.started_at)
        )
        return list(rows)


async def rewind_timer(
    sessionmaker: async_sessionmaker[AsyncSession], entry_id: UUID, seconds: int
) -> None:
    """Move a timer's start (and its breaks) `seconds` into the past, as if it ran longer."""
    shift = timedelta(seconds=seconds)
    async with sessionmaker.begin() as session:
        await session.execute(
            update(TimeEntry)
            .where(TimeEntry.id == entry_id)
            .values(started_at=TimeEntry.started_at - shift, sort_at=TimeEntry.sort_at - shift)
        )
        await session.execute(
            update(Break)
            .where(Break.entry_id == entry_id)
            .values(started_at=Break.started_at - shift, ended_at=Break.ended_at - shift)
        )


async def outbox_size(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(messaging.outbox)) or 0)


NO_ROUNDING: dict[str, Any] = {"begin": None, "end": None, "duration": None}
NO_ROUNDING_NOR_LOCKDOWN: dict[str, Any] = {"rounding": NO_ROUNDING, "lockdown_date": None}


def rounding_rule(**places: tuple[int, str]) -> dict[str, Any]:
    """A rule as the workspace events carry it: `rounding_rule(begin=(60, "down"))`; the
    places not named are not rounded."""
    steps = {place: {"step_minutes": step, "mode": mode} for place, (step, mode) in places.items()}
    return {**NO_ROUNDING, **steps}


async def set_workspace_settings(
    seeder: DirectorySeeder, workspace: SeededWorkspace, **settings: Any
) -> None:
    """A `workspace.workspace.updated` event: no rounding and no lockdown unless `settings`
    say otherwise (rounding (`rounding_rule`), lockdown_date (ISO text or None),
    timesheet_period, week_start)."""
    event = workspace_event(
        "updated",
        workspace.id,
        slug=workspace.slug,
        sequence=seeder.next_sequence("workspace", workspace.id),
        owner_id=workspace.owner.id,
        timezone=workspace.timezone,
    )
    event.data.update({**NO_ROUNDING_NOR_LOCKDOWN, **settings})
    await seeder.deliver(event)


@dataclass(frozen=True)
class World:
    """A workspace (Europe/Berlin, no rounding, no lockdown) with people in each role, a
    project they belong to (default rate 80.00 EUR) and an issue of it."""

    workspace: SeededWorkspace
    admin: SeededUser
    ada: SeededUser
    bob: SeededUser
    guest: SeededUser
    project: SeededProject
    issue_id: UUID

    @property
    def owner(self) -> SeededUser:
        return self.workspace.owner

    @property
    def base(self) -> str:
        return f"{API}/workspaces/{self.workspace.slug}"

    def issue_url(self, issue_id: UUID | None = None) -> str:
        return f"{self.base}/projects/{self.project.id}/issues/{issue_id or self.issue_id}"


async def arrange_world(seeder: DirectorySeeder, issues: Issues, **project: Any) -> World:
    """The world's workspace neither rounds nor locks; tests of those rules set them."""
    workspace = await seeder.workspace(timezone="Europe/Berlin")
    await set_workspace_settings(seeder, workspace)
    admin = await seeder.member(workspace, role="admin", display_name="Alan Admin")
    ada = await seeder.member(workspace, role="member", display_name="Ada Lovelace")
    bob = await seeder.member(workspace, role="member", display_name="Bob Builder")
    guest = await seeder.member(workspace, role="guest", display_name="Gus Guest")
    seeded = await seeder.project(workspace, **project)
    await seeder.project_member(seeded, ada)
    await seeder.project_member(seeded, bob)
    await seeder.project_member(seeded, guest, role="guest")
    issue_id = await issues.create(workspace.id, seeded.id)
    return World(workspace, admin, ada, bob, guest, seeded, issue_id)


async def create_entry(
    client: httpx.AsyncClient, world: World, person: SeededUser, **body: Any
) -> dict[str, Any]:
    """A time entry in the world's project, created through the API (201 expected)."""
    payload = {"project_id": str(world.project.id), **body}
    response = await client.post(f"{world.base}/time-entries", json=payload, headers=person.headers)
    assert response.status_code == 201, response.text
    entry: dict[str, Any] = response.json()
    return entry


@dataclass
class FakeWorkItemsApi:
    """Answers the issue look-up of time tracking's consumer contract
    (`tests/contract/consumers/timetracking-on-work-items.json`, verified against
    work-items) from `issues` (keyed by issue id), or 500 for the issue ids in `failing`;
    counts the calls. The workspace API beside it is the kit's stand-in (`workspace_api`)."""

    workspace_api: FakeWorkspaceApi
    issues: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    failing: set[UUID] = field(default_factory=set)
    calls: list[UUID] = field(default_factory=list)

    def add_issue(
        self, issue_id: UUID, project_id: UUID, *, version: int = 3, key: str = "APL-9"
    ) -> None:
        self.issues[issue_id] = ISSUE_LOOK_UP.answer(
            id=str(issue_id), project_id=str(project_id), key=key, version=version
        )

    def app(self) -> FastAPI:
        api = FastAPI()

        async def issue(
            ws: str, pid: UUID, iid: UUID, authorization: str | None = Header(None)
        ) -> JSONResponse:
            self.calls.append(iid)
            if authorization is None or not authorization.startswith("Bearer "):
                return problem_response(problem_for_status(401, "No token"))
            if iid in self.failing:
                return problem_response(problem_for_status(500, "Broken on purpose"))
            found = self.issues.get(iid)
            if found is None or found["project_id"] != str(pid):
                return problem_response(problem_for_status(404, "Not found"))
            return JSONResponse(found)

        api.add_api_route(ISSUE_LOOK_UP.path, issue, methods=[ISSUE_LOOK_UP.method])
        return api


def team_event(
    verb: str,
    team_id: UUID,
    workspace_id: UUID,
    *,
    sequence: int,
    lead_id: UUID | None,
    user_id: UUID | None = None,
) -> CloudEvent:
    """A `workspace.team.<verb>` event in the workspace service's shape (a membership's
    verbs `member_added|member_updated|member_removed` name `user_id`)."""
    data: dict[str, Any] = {
        "team_id": str(team_id),
        "workspace_id": str(workspace_id),
        "name": "Rocketeers",
        "lead_id": None if lead_id is None else str(lead_id),
    }
    if user_id is not None:
        data |= {"user_id": str(user_id), "allocation_percent": 100}
    return CloudEvent(
        source="worksync/workspace",
        type=f"workspace.team.{verb}",
        subject=str(team_id),
        workspaceid=str(workspace_id),
        sequence=sequence,
        data=data,
    )


async def arrange_team(
    seeder: DirectorySeeder,
    workspace: SeededWorkspace,
    lead: SeededUser | None,
    members: list[SeededUser],
) -> UUID:
    """A team of the workspace led by `lead`, with `members`, as the workspace announces it."""
    team_id = new_id()
    lead_id = None if lead is None else lead.id

    def sequence() -> int:
        return seeder.next_sequence("team", team_id)

    await seeder.deliver(
        team_event("created", team_id, workspace.id, sequence=sequence(), lead_id=lead_id)
    )
    for member in members:
        await seeder.deliver(
            team_event(
                "member_added",
                team_id,
                workspace.id,
                sequence=sequence(),
                lead_id=lead_id,
                user_id=member.id,
            )
        )
    return team_id


async def set_project_budget(
    seeder: DirectorySeeder,
    project: SeededProject,
    *,
    budget_hours: str | None,
    budget_amount: str | None,
) -> None:
    """A `workspace.project.updated` event carrying the project with these budgets."""
    event = project_event(
        "updated",
        project.id,
        project.workspace.id,
        sequence=seeder.next_sequence("project", project.id),
        name=project.name,
        identifier=project.identifier,
    )
    event.data.update(budget_hours=budget_hours, budget_amount=budget_amount)
    await seeder.deliver(event)
