"""Teams: CRUD, members with allocations, and assigning teams to projects.

A team's `version` counts every event about it, member changes included. Assigning a team
to a project makes its members project members (guests as project guests); assigning it
again brings in members who joined the team since. Unassigning leaves memberships alone.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import not_found, unknown_reference
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.roles import ProjectRole, WorkspaceRole
from worksync.workspace.access import ProjectAccess, WorkspaceAccess
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.messaging.published import (
    TeamCreated,
    TeamDeleted,
    TeamMemberAdded,
    TeamMemberRemoved,
    TeamMemberUpdated,
    TeamUpdated,
)
from worksync.workspace.messaging.recording import record_team, record_team_member
from worksync.workspace.models import ProjectTeam, TeamMembership
from worksync.workspace.models import Team as TeamRow
from worksync.workspace.project_members.service import join_project
from worksync.workspace.teams.repository import TeamRepository
from worksync.workspace.teams.schemas import (
    AssignedTeam,
    Team,
    TeamAssignment,
    TeamCreate,
    TeamMember,
    TeamMemberCreate,
    TeamMemberUpdate,
    TeamSort,
    TeamUpdate,
)

SORT_KEYS = {
    TeamSort.NAME: sort_key("name", TeamRow.name, TeamRow.id),
    TeamSort.CREATED_AT: sort_key("created_at", TeamRow.created_at, TeamRow.id),
    TeamSort.NEWEST_FIRST: sort_key("-created_at", TeamRow.created_at, TeamRow.id),
}
MEMBERS_BY_JOINING = sort_key("joined_at", TeamMembership.created_at, TeamMembership.user_id)
ASSIGNED_FIRST = sort_key("assigned_at", ProjectTeam.created_at, ProjectTeam.team_id)


def _read(team: TeamRow) -> Team:
    return Team.model_validate(team, from_attributes=True)


class TeamService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.teams = TeamRepository(session)
        self.members = MemberRepository(session)

    async def page(
        self, access: WorkspaceAccess, search: str | None, sort: TeamSort, params: PageParams
    ) -> tuple[list[Team], str | None]:
        key = SORT_KEYS[sort]
        rows = await self.teams.page(access.workspace_id, search, key, params)
        items, next_cursor = build_page(rows, key, params)
        return [_read(row) for row in items], next_cursor

    async def get(self, access: WorkspaceAccess, team_id: UUID) -> Team:
        return _read(await self._get(access, team_id))

    async def create(self, access: WorkspaceAccess, request: TeamCreate) -> Team:
        await self._check_lead(access, request.lead_id)
        team = TeamRow(workspace_id=access.workspace_id, **request.model_dump())
        await self.teams.add(team)
        await record_team(self.session, team, TeamCreated, actor_id=access.user_id)
        await self.teams.flush()
        return _read(team)

    async def update(
        self,
        access: WorkspaceAccess,
        team_id: UUID,
        request: TeamUpdate,
        if_match: EntityTags | None = None,
    ) -> Team:
        team = await self._get(access, team_id, for_update=True)
        check_version(if_match, team.version)
        changes = request.model_dump(exclude_unset=True)
        if changes.get("lead_id", team.lead_id) != team.lead_id:
            await self._check_lead(access, changes["lead_id"])
        before = (team.name, team.description, team.lead_id)
        for name, value in changes.items():
            setattr(team, name, value)
        if (team.name, team.description, team.lead_id) != before:
            await record_team(self.session, team, TeamUpdated, actor_id=access.user_id)
            await self.teams.flush()
        return _read(team)

    async def delete(
        self, access: WorkspaceAccess, team_id: UUID, if_match: EntityTags | None = None
    ) -> None:
        """Delete the team; its memberships and assignments go with it (database cascade)."""
        team = await self._get(access, team_id, for_update=True)
        check_version(if_match, team.version)
        await record_team(self.session, team, TeamDeleted, actor_id=access.user_id)
        await self.teams.delete(team)

    async def page_members(
        self, access: WorkspaceAccess, team_id: UUID, params: PageParams
    ) -> tuple[list[TeamMember], str | None]:
        await self._get(access, team_id)
        rows = await self.teams.page_members(team_id, MEMBERS_BY_JOINING, params)
        names = {row.TeamMembership.user_id: (row.email, row.display_name) for row in rows}
        items, next_cursor = build_page(
            [row.TeamMembership for row in rows], MEMBERS_BY_JOINING, params
        )
        return [TeamMember.of(item, *names[item.user_id]) for item in items], next_cursor

    async def add_member(
        self, access: WorkspaceAccess, team_id: UUID, request: TeamMemberCreate
    ) -> TeamMember:
        team = await self._get(access, team_id, for_update=True)
        member = await self.members.get_live(access.workspace_id, request.user_id)
        if member is None:
            raise unknown_reference("user_id", "member")
        membership = TeamMembership(
            team_id=team.id,
            user_id=member.user_id,
            workspace_id=access.workspace_id,
            allocation_percent=request.allocation_percent,
        )
        await self.teams.add(membership)
        await record_team_member(
            self.session, team, membership, TeamMemberAdded, actor_id=access.user_id
        )
        await self.teams.flush()
        return TeamMember.of(membership, member.email, member.display_name)

    async def update_member(
        self,
        access: WorkspaceAccess,
        team_id: UUID,
        user_id: UUID,
        request: TeamMemberUpdate,
        if_match: EntityTags | None = None,
    ) -> TeamMember:
        """`if_match` names a version of the team (member changes are changes of it)."""
        team = await self._get(access, team_id, for_update=True)
        check_version(if_match, team.version)
        membership = await self._get_membership(team_id, user_id)
        if membership.allocation_percent != request.allocation_percent:
            membership.allocation_percent = request.allocation_percent
            await record_team_member(
                self.session, team, membership, TeamMemberUpdated, actor_id=access.user_id
            )
            await self.teams.flush()
        member = await self.members.get(access.workspace_id, user_id)
        assert member is not None, "a foreign key ties team members to memberships"
        return TeamMember.of(membership, member.email, member.display_name)

    async def remove_member(
        self,
        access: WorkspaceAccess,
        team_id: UUID,
        user_id: UUID,
        if_match: EntityTags | None = None,
    ) -> None:
        team = await self._get(access, team_id, for_update=True)
        check_version(if_match, team.version)
        membership = await self._get_membership(team_id, user_id)
        await self.teams.delete(membership)
        await record_team_member(
            self.session, team, membership, TeamMemberRemoved, actor_id=access.user_id
        )
        await self.teams.flush()

    async def page_assigned(
        self, access: ProjectAccess, params: PageParams
    ) -> tuple[list[AssignedTeam], str | None]:
        access.workspace.require(WorkspaceRole.MEMBER)
        rows = await self.teams.page_assigned(access.project.id, ASSIGNED_FIRST, params)
        names = {row.ProjectTeam.team_id: row.name for row in rows}
        items, next_cursor = build_page([row.ProjectTeam for row in rows], ASSIGNED_FIRST, params)
        return [
            AssignedTeam(
                team_id=item.team_id, name=names[item.team_id], assigned_at=item.created_at
            )
            for item in items
        ], next_cursor

    async def assign(self, access: ProjectAccess, team_id: UUID, now: datetime) -> TeamAssignment:
        workspace = access.workspace
        team = await self._get(workspace, team_id)
        project = access.project
        await self.teams.assign(workspace.workspace_id, project.id, team.id)
        added: list[UUID] = []
        for member in await self.teams.members_of(team.id):
            role = ProjectRole.GUEST if member.role == WorkspaceRole.GUEST else ProjectRole.MEMBER
            joined = await join_project(
                self.session, project, member, role, None, now=now, actor_id=workspace.user_id
            )
            if joined is not None:
                added.append(member.user_id)
        return TeamAssignment(project_id=project.id, team_id=team.id, added_user_ids=added)

    async def unassign(self, access: ProjectAccess, team_id: UUID) -> None:
        team = await self._get(access.workspace, team_id)
        if not await self.teams.unassign(access.project.id, team.id):
            raise not_found("team_assignment")

    async def _get(
        self, access: WorkspaceAccess, team_id: UUID, *, for_update: bool = False
    ) -> TeamRow:
        team = await self.teams.get(access.workspace_id, team_id, for_update=for_update)
        if team is None:
            raise not_found("team")
        return team

    async def _get_membership(self, team_id: UUID, user_id: UUID) -> TeamMembership:
        membership = await self.teams.get_membership(team_id, user_id)
        if membership is None:
            raise not_found("team_member")
        return membership

    async def _check_lead(self, access: WorkspaceAccess, lead_id: UUID | None) -> None:
        if (
            lead_id is not None
            and await self.members.get_live(access.workspace_id, lead_id) is None
        ):
            raise unknown_reference("lead_id", "member")
