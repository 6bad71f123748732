"""Test support for the resources service (and suites that run it): a team member's
timetracking entries (the kit's `timetracking_events`), work-items issue and workspace staff
events as their services publish them, reading the outbox, and an arranged team."""

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
from worksync.common.testing.timetracking_events import entry_event

# The stand-in for the workspace API is the kit's (the plugin's `workspace_api` fixture).
from worksync.resources.models import messaging

API = "/api/v1"


def member_entry_event(
    team: Team,
    entry_id: UUID,
    verb: str,
    sequence: int,
    *days: tuple[date, int],
    project_id: UUID | None = None,
) -> CloudEvent:
    """`entry_event` of the team's member in its project (or `project_id`), an hour's minute
    on Monday 5 January 2026 unless `days` say otherwise."""
    return entry_event(
        verb,
        entry_id=entry_id,
        workspace_id=team.workspace.id,
        user_id=team.member.id,
        project_id=project_id or team.project.id,
        days=days or [(date(2026, 1, 5), 60)],
        sequence=sequence,
    )


def staff_event(
    verb: str,
    *,
    staff_profile_id: UUID,
    workspace_id: UUID,
    user_id: UUID,
    skills: Sequence[str],
    sequence: int,
    employment_status: str = "active",
) -> CloudEvent:
    """`workspace.staff.<verb>` with a StaffSnapshot as the workspace service publishes it."""
    data = {
        "staff_profile_id": str(staff_profile_id),
        "workspace_id": str(workspace_id),
        "user_id": str(user_id),
        "staff_id": "S0001",
        "department_id": None,
        "position": "Engineer",
        "job_grade": None,
        "employment_status": employment_status,
        "is_department_manager": False,
        "date_of_joining": None,
        "date_of_leaving": None,
        "skills": list(skills),
    }
    return CloudEvent(
        id=new_id(),
        source="worksync/workspace",
        type=f"workspace.staff.{verb}",
        subject=str(staff_profile_id),
        workspaceid=str(workspace_id),
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


TEMPLATE_PLAN = [{"key": "a", "title": "A", "offset_days": 0, "duration_days": 2}]


@dataclass(frozen=True)
class SeededWorld:
    """A team with one of everything the API names by id: its ids by path parameter."""

    team: Team
    ids: dict[str, str]
    issue_id: UUID

    @property
    def references(self) -> dict[str, str]:
        """What each body field that refers to something may name here (a fuzzer's ids)."""
        member = str(self.team.member.id)
        return {
            "user_id": member,
            "owner_id": member,
            "assignee_ids": member,
            "project_id": self.ids["pid"],
            "issue_ids": str(self.issue_id),
            "depends_on_id": self.ids["depends_on_id"],
            "template_id": self.ids["template_id"],
        }


async def seed_world(client: httpx.AsyncClient, seeder: DirectorySeeder) -> SeededWorld:
    """A team with allocations in conflict, time off, an issue, two dependent milestones
    (the second with a deliverable) and a template."""
    team = await make_team(seeder)
    issue_id = new_id()
    await seeder.deliver(
        issue_event(
            "created",
            issue_id=issue_id,
            workspace_id=team.workspace.id,
            project_id=team.project.id,
            sequence=seeder.next_sequence("issue", issue_id),
        )
    )
    allocation = await allocate(client, team, 30, "2026-01-05", "2026-01-30")
    await allocate(client, team, 20, "2026-01-05", "2026-01-30", other_project=True)
    profile = await profile_of(client, team, team.member)
    time_off = await client.post(
        f"{team.base}/team-members/{profile['id']}/time-off",
        json={"start_date": "2026-06-01", "end_date": "2026-06-05"},
        headers=team.admin.headers,
    )
    conflicts = await client.get(f"{team.base}/conflicts", headers=team.admin.headers)
    milestones = f"{team.base}/projects/{team.project.id}/milestones"
    dates = {"start_date": "2026-01-05", "due_date": "2026-01-09"}
    first = await client.post(
        milestones, json={"title": "First", **dates}, headers=team.admin.headers
    )
    second = await client.post(
        milestones, json={"title": "Second", **dates}, headers=team.admin.headers
    )
    await client.post(
        f"{milestones}/{second.json()['id']}/dependencies",
        json={"depends_on_id": first.json()["id"]},
        headers=team.admin.headers,
    )
    deliverable = await client.post(
        f"{milestones}/{second.json()['id']}/deliverables",
        json={"title": "Spec"},
        headers=team.admin.headers,
    )
    template = await client.post(
        f"{team.base}/milestone-templates",
        json={"name": "Plan", "milestones": TEMPLATE_PLAN},
        headers=team.admin.headers,
    )
    ids = {
        "template_id": template.json()["id"],
        "pid": str(team.project.id),
        "milestone_id": second.json()["id"],
        "depends_on_id": first.json()["id"],
        "deliverable_id": deliverable.json()["id"],
        "profile_id": profile["id"],
        "time_off_id": time_off.json()["id"],
        "allocation_id": allocation["id"],
        "conflict_id": conflicts.json()["items"][0]["id"],
    }
    return SeededWorld(team=team, ids=ids, issue_id=issue_id)
