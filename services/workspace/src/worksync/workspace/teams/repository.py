"""SQL of teams, their memberships and their project assignments."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Row, delete, select
from sqlalchemy.dialects.postgresql import insert

from worksync.common.errors import NameTaken
from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.workspace.errors import AlreadyTeamMember
from worksync.workspace.models import Membership, ProjectTeam, Team, TeamMembership
from worksync.workspace.search import contains


class TeamRepository(Repository):
    constraint_errors = {
        "uq_teams_workspace_id_lower_name": lambda: NameTaken("team"),
        "pk_team_memberships": AlreadyTeamMember,
    }

    async def get(
        self, workspace_id: UUID, team_id: UUID, *, for_update: bool = False
    ) -> Team | None:
        statement = select(Team).where(Team.workspace_id == workspace_id, Team.id == team_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(statement)

    async def page(
        self, workspace_id: UUID, search: str | None, key: SortKey, params: PageParams
    ) -> Sequence[Team]:
        statement = select(Team).where(Team.workspace_id == workspace_id)
        if search:
            statement = statement.where(contains(search, Team.name))
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def led_by(self, workspace_id: UUID, user_id: UUID) -> Sequence[Team]:
        return (
            await self.session.scalars(
                select(Team)
                .where(Team.workspace_id == workspace_id, Team.lead_id == user_id)
                .order_by(Team.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def memberships_of_user(
        self, workspace_id: UUID, user_id: UUID
    ) -> Sequence[Row[Team, TeamMembership]]:
        """A user's places in teams, with their teams locked (member events bump them)."""
        return (
            await self.session.execute(
                select(Team, TeamMembership)
                .join(TeamMembership, TeamMembership.team_id == Team.id)
                .where(
                    TeamMembership.workspace_id == workspace_id, TeamMembership.user_id == user_id
                )
                .order_by(Team.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def get_membership(self, team_id: UUID, user_id: UUID) -> TeamMembership | None:
        return await self.session.get(TeamMembership, (team_id, user_id))

    async def page_members(
        self, team_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[Row[TeamMembership, str, str]]:
        statement = (
            select(TeamMembership, Membership.email, Membership.display_name)
            .join(
                Membership,
                (Membership.workspace_id == TeamMembership.workspace_id)
                & (Membership.user_id == TeamMembership.user_id),
            )
            .where(TeamMembership.team_id == team_id)
        )
        return (await self.session.execute(apply_keyset(statement, key, params))).all()

    async def members_of(self, team_id: UUID) -> Sequence[Membership]:
        """The workspace memberships of the team's members."""
        return (
            await self.session.scalars(
                select(Membership)
                .join(
                    TeamMembership,
                    (Membership.workspace_id == TeamMembership.workspace_id)
                    & (Membership.user_id == TeamMembership.user_id),
                )
                .where(TeamMembership.team_id == team_id, Membership.removed_at.is_(None))
                .order_by(Membership.user_id)
            )
        ).all()

    async def assign(self, workspace_id: UUID, project_id: UUID, team_id: UUID) -> None:
        """Assign the team to the project, unless it is already."""
        await self.execute(
            insert(ProjectTeam)
            .values(workspace_id=workspace_id, project_id=project_id, team_id=team_id)
            .on_conflict_do_nothing()
        )

    async def unassign(self, project_id: UUID, team_id: UUID) -> bool:
        result = await self.execute(
            delete(ProjectTeam)
            .where(ProjectTeam.project_id == project_id, ProjectTeam.team_id == team_id)
            .returning(ProjectTeam.team_id)
        )
        return result.first() is not None

    async def unassign_all_from(self, project_id: UUID) -> None:
        await self.execute(delete(ProjectTeam).where(ProjectTeam.project_id == project_id))

    async def page_assigned(
        self, project_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[Row[ProjectTeam, str]]:
        statement = (
            select(ProjectTeam, Team.name)
            .join(Team, Team.id == ProjectTeam.team_id)
            .where(ProjectTeam.project_id == project_id)
        )
        return (await self.session.execute(apply_keyset(statement, key, params))).all()
