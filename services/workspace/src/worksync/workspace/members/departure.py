"""What ends with a workspace membership: the departments they manage (and what auto-sync
granted for them), the member's project memberships, team places and leads. Used when a
member leaves or is removed, and when identity deactivates a user."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.workspace.department_grants.service import release_manager
from worksync.workspace.messaging.published import (
    MemberRemoved,
    ProjectMemberRemoved,
    ProjectUpdated,
    TeamMemberRemoved,
    TeamUpdated,
)
from worksync.workspace.messaging.recording import (
    record_member,
    record_project,
    record_project_member,
    record_team,
    record_team_member,
)
from worksync.workspace.models import Membership
from worksync.workspace.project_members.repository import ProjectMemberRepository
from worksync.workspace.projects.repository import ProjectRepository
from worksync.workspace.teams.repository import TeamRepository


async def end_membership(
    session: AsyncSession, membership: Membership, *, now: datetime, actor_id: UUID | None
) -> None:
    """Mark the membership removed and take the member off everything in the workspace.

    The caller has checked that the workspace keeps an owner.
    """
    workspace_id, user_id = membership.workspace_id, membership.user_id
    # First: it takes the workspace's department lock, which comes before row locks.
    await release_manager(session, workspace_id, user_id, now=now, actor_id=actor_id)
    membership.removed_at = now
    await record_member(session, membership, MemberRemoved, actor_id=actor_id)

    for project_membership in await ProjectMemberRepository(session).live_of_user(
        workspace_id, user_id
    ):
        project_membership.removed_at = now
        await record_project_member(
            session, project_membership, ProjectMemberRemoved, actor_id=actor_id
        )
    for project in await ProjectRepository(session).led_by(workspace_id, user_id):
        project.lead_id = None
        await record_project(session, project, ProjectUpdated, actor_id=actor_id)

    teams = TeamRepository(session)
    for team in await teams.led_by(workspace_id, user_id):
        team.lead_id = None
        await record_team(session, team, TeamUpdated, actor_id=actor_id)
    # The next query re-reads (and locks) teams: what changed above must be written first.
    await teams.flush()
    for team, team_membership in await teams.memberships_of_user(workspace_id, user_id):
        await teams.delete(team_membership)
        await record_team_member(
            session, team, team_membership, TeamMemberRemoved, actor_id=actor_id
        )
    await teams.flush()
