"""SQL of capacity profiles and time off."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.resources.errors import ProfileExists, TimeOffOverlaps
from worksync.resources.models import CapacityProfile, TimeOff

ONE_PER_MEMBER = "uq_capacity_profiles_workspace_id_user_id"
NO_OVERLAP = "ex_time_off_no_overlap"


class TeamMemberRepository(Repository):
    constraint_errors = {ONE_PER_MEMBER: ProfileExists, NO_OVERLAP: TimeOffOverlaps}

    async def get(
        self, workspace_id: UUID, profile_id: UUID, *, for_update: bool = False
    ) -> CapacityProfile | None:
        statement = select(CapacityProfile).where(
            CapacityProfile.workspace_id == workspace_id, CapacityProfile.id == profile_id
        )
        if for_update:
            return await self.lock_for_update(statement)
        return await self.session.scalar(statement)

    async def of_user(
        self, workspace_id: UUID, user_id: UUID, *, for_update: bool = False
    ) -> CapacityProfile | None:
        statement = select(CapacityProfile).where(
            CapacityProfile.workspace_id == workspace_id, CapacityProfile.user_id == user_id
        )
        if for_update:
            return await self.lock_for_update(statement)
        return await self.session.scalar(statement)

    async def page(
        self, workspace_id: UUID, is_active: bool | None, key: SortKey, params: PageParams
    ) -> Sequence[CapacityProfile]:
        statement = select(CapacityProfile).where(CapacityProfile.workspace_id == workspace_id)
        if is_active is not None:
            statement = statement.where(CapacityProfile.is_active.is_(is_active))
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def page_time_off(
        self, profile_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[TimeOff]:
        statement = select(TimeOff).where(TimeOff.profile_id == profile_id)
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def delete_time_off(self, profile_id: UUID, time_off_id: UUID) -> bool:
        result = await self.execute(
            delete(TimeOff)
            .where(TimeOff.profile_id == profile_id, TimeOff.id == time_off_id)
            .returning(TimeOff.id)
        )
        return result.first() is not None
