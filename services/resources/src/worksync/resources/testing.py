"""Test support for the resources service (and suites that run it): timetracking entry
and work-items issue events as their services publish them, reading the outbox, and an
arranged team."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.ids import new_id
from worksync.common.testing.directory import (
    DirectorySeeder,
    SeededProject,
    SeededUser,
    SeededWorkspace,
)

# The stand-in for the workspace API is the kit's (the plugin's `workspace_api` fixture).
from worksync.resources.models import messaging

API = "/api/v1"


def entry_event(
    verb: str,
    *,
    entry_id: UUID,
    workspace_id: UUID,
    user_id: UUID,
    project_id: UUID,
    days: Sequence[tuple[date, int]],
    sequence: int,
) -> CloudEvent:
    """`timetracking.entry.<verb>` with an EntrySnapshot as contracts.md describes it."""
    total = sum(seconds for _, seconds in days)
    data = {
        "entry_id": str(entry_id),
        "workspace_id": str(workspace_id),
        "project_id": str(project_id),
        "issue_id": None,
        "user_id": str(user_id),
        "description": "Work",
        "work_date": days[0][0].isoformat(),
        "started_at": None,
        "ended_at": None,
        "duration_seconds": total,
        "days": [{"date": day.isoformat(), "seconds": seconds} for day, seconds in days],
        "billable": True,
        "hourly_rate": "80.00",
        "currency": "EUR",
        "source": "worklog",
        "approval_state": "draft",
    }
    return CloudEvent(
        id=new_id(),
        source="worksync/timetracking",
        type=f"timetracking.entry.{verb}",
        subject=str(entry_id),
        workspaceid=str(workspace_id),
        actorid=str(user_id),
        sequence=sequence,
        data=data,
    )


def issue_event(
    verb: str,
    *,
    issue_id: UUID,
    workspace_id: UUID,
    project_id: UUID,
    sequence: int,
    state_group: str = "unstarted",
    estimate_minutes: int | None = None,
    deleted: bool = False,
) -> CloudEvent:
    """`workitems.issue.<verb>` with an IssueSnapshot as work-items publishes it."""
    data = {
        "issue_id": str(issue_id),
        "workspace_id": str(workspace_id),
        "project_id": str(project_id),
        "sequence_id": 1,
        "key": "APO-1",
        "title": "An issue",
        "state_id": str(new_id()),
        "state_group": state_group,
        "priority": "none",
        "assignee_ids": [],
        "label_ids": [],
        "parent_id": None,
        "start_date": None,
        "due_date": None,
        "estimate_minutes": estimate_minutes,
        "completed_at": "2026-01-09T10:00:00Z" if state_group == "completed" else None,
        "deleted_at": "2026-01-09T11:00:00Z" if deleted else None,
    }
    return CloudEvent(
        id=new_id(),
        source="worksync/work-items",
        type=f"workitems.issue.{verb}",
        subject=str(issue_id),
        workspaceid=str(workspace_id),
        sequence=sequence,
        data=data,
    )


async def outbox_events(
    sessionmaker: async_sessionmaker[AsyncSession], subject: UUID | str
) -> list[dict[str, Any]]:
    """The envelopes recorded about `subject`, in sequence order."""
    outbox = messaging.outbox
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(outbox.c.envelope).where(outbox.c.envelope["subject"].astext == str(subject))
        )
        return sorted(rows.all(), key=lambda envelope: envelope["sequence"])


@dataclass(frozen=True)
class Team:
    """A workspace with an admin (its owner), a member (of the first project), a guest and
    two projects."""

    workspace: SeededWorkspace
    admin: SeededUser
    member: SeededUser
    guest: SeededUser
    project: SeededProject
    other_project: SeededProject

    @property
    def base(self) -> str:
        return f"/api/v1/workspaces/{self.workspace.slug}"


async def make_team(seeder: DirectorySeeder) -> Team:
    workspace = await seeder.workspace()
    team = Team(
        workspace=workspace,
        admin=workspace.owner,
        member=await seeder.member(workspace, display_name="Mia Member"),
        guest=await seeder.member(workspace, role="guest", display_name="Gus Guest"),
        project=await seeder.project(workspace, name="Apollo"),
        other_project=await seeder.project(workspace, name="Borealis"),
    )
    await seeder.project_member(team.project, team.member)
    return team


async def allocate(
    client: httpx.AsyncClient,
    team: Team,
    hours: float,
    start: str,
    end: str,
    *,
    user: SeededUser | None = None,
    other_project: bool = False,
) -> dict[str, Any]:
    project = team.other_project if other_project else team.project
    response = await client.post(
        f"{team.base}/allocations",
        json={
            "user_id": str((user or team.member).id),
            "project_id": str(project.id),
            "hours_per_week": hours,
            "start_date": start,
            "end_date": end,
        },
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    allocation: dict[str, Any] = response.json()
    return allocation


async def profile_of(client: httpx.AsyncClient, team: Team, user: SeededUser) -> dict[str, Any]:
    response = await client.get(
        f"{team.base}/team-members", params={"limit": 100}, headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    profile: dict[str, Any] = next(
        p for p in response.json()["items"] if p["user_id"] == str(user.id)
    )
    return profile
