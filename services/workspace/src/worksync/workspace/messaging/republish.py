"""What the operator tools may republish from the workspace service (`python -m
worksync.common.ops republish workspace.member`, ...).

Each snapshot is the event `recording.py` records for a change, of the verb that leaves the
row as it is now: `updated` for a live row, `deleted` / `removed` for a tombstone, so that
consumers rebuilding their directory get the tombstones back too. Never `created` /
`added`: those ask consumers to act on a new arrival (set a project up, reactivate a
member's capacity profile), which a snapshot is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.ops.republish import at_current_version
from worksync.common.ops.services import AggregateType, ServiceOperations
from worksync.workspace.config import WorkspaceSettings
from worksync.workspace.messaging.published import (
    ClientUpdated,
    MemberRemoved,
    MemberUpdated,
    ProjectDeleted,
    ProjectMemberRemoved,
    ProjectMemberUpdated,
    ProjectUpdated,
    StaffDeleted,
    StaffUpdated,
    TeamMemberUpdated,
    TeamUpdated,
    WorkspaceDeleted,
    WorkspaceUpdated,
    outbox,
)
from worksync.workspace.messaging.recording import (
    record_client,
    record_member,
    record_project,
    record_project_member,
    record_staff,
    record_team,
    record_team_member,
    record_workspace,
)
from worksync.workspace.models import (
    Client,
    Membership,
    Project,
    ProjectMembership,
    StaffProfile,
    Team,
    TeamMembership,
    Workspace,
)


async def _workspaces(session: AsyncSession, rows: Sequence[Workspace]) -> None:
    for row in rows:
        event = WorkspaceDeleted if row.deleted_at else WorkspaceUpdated
        with at_current_version(row):
            await record_workspace(session, row, event, actor_id=None)


async def _members(session: AsyncSession, rows: Sequence[Membership]) -> None:
    for row in rows:
        event = MemberRemoved if row.removed_at else MemberUpdated
        with at_current_version(row):
            await record_member(session, row, event, actor_id=None)


async def _projects(session: AsyncSession, rows: Sequence[Project]) -> None:
    for row in rows:
        event = ProjectDeleted if row.deleted_at else ProjectUpdated
        with at_current_version(row):
            await record_project(session, row, event, actor_id=None)


async def _project_members(session: AsyncSession, rows: Sequence[ProjectMembership]) -> None:
    for row in rows:
        event = ProjectMemberRemoved if row.removed_at else ProjectMemberUpdated
        with at_current_version(row):
            await record_project_member(session, row, event, actor_id=None)


async def _clients(session: AsyncSession, rows: Sequence[Client]) -> None:
    """Live clients only: a deleted client's row is gone, and consumers keep its tombstone."""
    for row in rows:
        with at_current_version(row):
            await record_client(session, row, ClientUpdated, actor_id=None)


async def _staff(session: AsyncSession, rows: Sequence[StaffProfile]) -> None:
    """Deactivated profiles as `updated` too: their status says they contribute nothing."""
    for row in rows:
        event = StaffDeleted if row.deleted_at else StaffUpdated
        with at_current_version(row):
            await record_staff(session, row, event, actor_id=None)


async def _teams(session: AsyncSession, rows: Sequence[Team]) -> None:
    """A team and each of its members, all at the team's version (their sequence)."""
    memberships = await session.scalars(
        select(TeamMembership)
        .where(TeamMembership.team_id.in_([row.id for row in rows]))
        .order_by(TeamMembership.team_id, TeamMembership.user_id)
    )
    members: dict[UUID, list[TeamMembership]] = {}
    for membership in memberships:
        members.setdefault(membership.team_id, []).append(membership)
    for row in rows:
        with at_current_version(row):
            await record_team(session, row, TeamUpdated, actor_id=None)
        for membership in members.get(row.id, []):
            with at_current_version(row):
                await record_team_member(session, row, membership, TeamMemberUpdated, actor_id=None)


OPERATIONS = ServiceOperations(
    settings=WorkspaceSettings,
    outbox=outbox,
    aggregates=(
        AggregateType("workspace.workspace", Workspace, Workspace.id, _workspaces),
        AggregateType("workspace.member", Membership, Membership.workspace_id, _members),
        AggregateType("workspace.project", Project, Project.workspace_id, _projects),
        AggregateType(
            "workspace.project_member",
            ProjectMembership,
            ProjectMembership.workspace_id,
            _project_members,
        ),
        AggregateType("workspace.client", Client, Client.workspace_id, _clients),
        AggregateType("workspace.team", Team, Team.workspace_id, _teams),
        AggregateType("workspace.staff", StaffProfile, StaffProfile.workspace_id, _staff),
    ),
)
