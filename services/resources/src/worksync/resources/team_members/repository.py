"""SQL of capacity profiles and time off."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from psycopg.errors import ExclusionViolation, UniqueViolation
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.resources.models import CapacityProfile, TimeOff

ONE_PER_MEMBER = "uq_capacity_profiles_workspace_id_user_id"
NO_OVERLAP = "ex_time_off_no_overlap"


class DuplicateProfile(Exception):
    pass


class OverlappingTimeOff(Exception):
    pass


def _violated(exc: IntegrityError, error: type[Exception], constraint: str) -> bool:
    orig = exc.orig
    return isinstance(orig, error) and orig.diag.constraint_name == constraint  # type: ignore[attr-defined]


class TeamMemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, profile: CapacityProfile) -> None:
        self.session.add(profile)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if _violated(exc, UniqueViolation, ONE_PER_MEMBER):
                raise DuplicateProfile from exc
            raise

    async def get(
        self, workspace_id: UUID, profile_id: UUID, *, for_update: bool = False
    ) -> CapacityProfile | None:
        statement = select(CapacityProfile).where(
            CapacityProfile.workspace_id == workspace_id, CapacityProfile.id == profile_id
        )
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(statement)

    async def of_user(
        self, workspace_id: UUID, user_id: UUID, *, for_update: bool = False
    ) -> CapacityProfile | None:
        statement = select(CapacityProfile).where(
            CapacityProfile.workspace_id == workspace_id, CapacityProfile.user_id == user_id
        )
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
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

    async def add_time_off(self, period: TimeOff) -> None:
        self.session.add(period)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if _violated(exc, ExclusionViolation, NO_OVERLAP):
                raise OverlappingTimeOff from exc
            raise

    async def delete_time_off(self, profile_id: UUID, time_off_id: UUID) -> bool:
        result = await self.session.execute(
            delete(TimeOff)
            .where(TimeOff.profile_id == profile_id, TimeOff.id == time_off_id)
            .returning(TimeOff.id)
        )
        return result.first() is not None
