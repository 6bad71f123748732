"""The teams projection: sequence-guarded upserts (newest event wins) and who leads whom."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ColumnElement, Select, exists, select

from worksync.common.repository import Repository, orm_table
from worksync.timetracking.models import Team, TeamMember

_TEAMS = orm_table(Team)
_TEAM_MEMBERS = orm_table(TeamMember)


class TeamRepository(Repository):
    async def apply_team(
        self,
        team_id: UUID,
        workspace_id: UUID,
        lead_id: UUID | None,
        *,
        deleted: bool,
        sequence: int,
    ) -> None:
        """Store the team unless a newer (or the same) sequence is stored already."""
        values = {
            "team_id": team_id,
            "workspace_id": workspace_id,
            "lead_id": lead_id,
            "deleted": deleted,
            "sequence": sequence,
        }
        await self.store_if_newer(_TEAMS, values, key=("team_id",))

    async def apply_member(
        self, team_id: UUID, user_id: UUID, workspace_id: UUID, *, removed: bool, sequence: int
    ) -> None:
        """Store the membership unless a newer event about it is stored already."""
        values = {
            "team_id": team_id,
            "user_id": user_id,
            "workspace_id": workspace_id,
            "removed": removed,
            "sequence": sequence,
        }
        await self.store_if_newer(_TEAM_MEMBERS, values, key=("team_id", "user_id"))

    async def leads(self, workspace_id: UUID, lead_id: UUID, user_id: UUID) -> bool:
        """Whether `lead_id` leads a live team of the workspace that `user_id` belongs to."""
        query = select(
            exists().where(
                Team.workspace_id == workspace_id,
                Team.lead_id == lead_id,
                Team.deleted.is_(False),
                TeamMember.team_id == Team.team_id,
                TeamMember.user_id == user_id,
                TeamMember.removed.is_(False),
            )
        )
        return bool(await self.session.scalar(query))


def members_led_by(
    workspace_id: UUID | ColumnElement[UUID], lead_id: UUID | ColumnElement[UUID]
) -> Select[UUID]:
    """The users in the live teams of the workspace that `lead_id` leads (themself too, if
    they are a member: callers leave them out)."""
    return (
        select(TeamMember.user_id)
        .join(Team, Team.team_id == TeamMember.team_id)
        .where(
            Team.workspace_id == workspace_id,
            Team.lead_id == lead_id,
            Team.deleted.is_(False),
            TeamMember.removed.is_(False),
        )
    )
