"""SQL of staff profiles and their transfers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from functools import partial
from typing import TypeVarTuple
from uuid import UUID

from sqlalchemy import Row, Select, func, select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.workspace.departments.repository import subtree_cte
from worksync.workspace.errors import StaffFieldTaken
from worksync.workspace.models import Department, Membership, StaffProfile, StaffTransfer
from worksync.workspace.search import contains
from worksync.workspace.staff.schemas import StaffFilters

Columns = TypeVarTuple("Columns")
StaffRow = Row[StaffProfile, str, str]
ExportRow = Row[StaffProfile, str, str, str | None]


def _with_member() -> Select[StaffProfile, str, str]:
    """Staff profiles with the email and name of their members."""
    return select(StaffProfile, Membership.email, Membership.display_name).join(
        Membership,
        (Membership.workspace_id == StaffProfile.workspace_id)
        & (Membership.user_id == StaffProfile.user_id),
    )


def filtered(
    statement: Select[*Columns], workspace_id: UUID, filters: StaffFilters
) -> Select[*Columns]:
    """Live profiles of the workspace matching `filters` (the statement joins members)."""
    statement = statement.where(
        StaffProfile.workspace_id == workspace_id, StaffProfile.deleted_at.is_(None)
    )
    if filters.department_id is not None:
        if filters.include_sub_departments:
            tree = subtree_cte(
                workspace_id, filters.department_id, live_only=False, name="departments_below"
            )
            statement = statement.where(StaffProfile.department_id.in_(select(tree.c.id)))
        else:
            statement = statement.where(StaffProfile.department_id == filters.department_id)
    if filters.employment_status is not None:
        statement = statement.where(StaffProfile.employment_status == filters.employment_status)
    if filters.is_department_manager is not None:
        statement = statement.where(
            StaffProfile.is_department_manager.is_(filters.is_department_manager)
        )
    if filters.skill is not None:
        skill = func.unnest(StaffProfile.skills).table_valued("skill").render_derived()
        statement = statement.where(
            select(skill.c.skill)
            .where(func.lower(skill.c.skill) == func.lower(filters.skill))
            .exists()
        )
    if filters.search:
        statement = statement.where(
            contains(
                filters.search,
                StaffProfile.staff_id,
                StaffProfile.position,
                Membership.display_name,
                Membership.email,
            )
        )
    return statement


class StaffRepository(Repository):
    # Another live profile has this staff id, or the user has a live profile already.
    constraint_errors = {
        "uq_staff_profiles_live_workspace_id_staff_id": partial(StaffFieldTaken, "staff_id"),
        "uq_staff_profiles_live_workspace_id_user_id": partial(StaffFieldTaken, "user_id"),
    }

    async def get(
        self, workspace_id: UUID, staff_profile_id: UUID, *, for_update: bool = False
    ) -> StaffRow | None:
        """A live profile with its member's email and name."""
        statement = _with_member().where(
            StaffProfile.workspace_id == workspace_id,
            StaffProfile.id == staff_profile_id,
            StaffProfile.deleted_at.is_(None),
        )
        if for_update:
            statement = statement.with_for_update(of=StaffProfile).execution_options(
                populate_existing=True
            )
        return (await self.session.execute(statement)).one_or_none()

    async def page(
        self, workspace_id: UUID, filters: StaffFilters, key: SortKey, params: PageParams
    ) -> Sequence[StaffRow]:
        statement = filtered(_with_member(), workspace_id, filters)
        return (await self.session.execute(apply_keyset(statement, key, params))).all()

    async def export_chunks(
        self, workspace_id: UUID, filters: StaffFilters, rows_per_chunk: int
    ) -> AsyncIterator[Sequence[ExportRow]]:
        """What the CSV export reads, profiles with their members and department codes by
        staff id, in chunks read through a server-side cursor."""
        statement = (
            select(StaffProfile, Membership.email, Membership.display_name, Department.code)
            .join(
                Membership,
                (Membership.workspace_id == StaffProfile.workspace_id)
                & (Membership.user_id == StaffProfile.user_id),
            )
            .outerjoin(Department, Department.id == StaffProfile.department_id)
        )
        statement = filtered(statement, workspace_id, filters).order_by(
            StaffProfile.staff_id, StaffProfile.id
        )
        result = await self.session.stream(statement.execution_options(yield_per=rows_per_chunk))
        async for chunk in result.partitions():
            yield chunk

    async def counts(
        self, workspace_id: UUID
    ) -> Sequence[Row[UUID | None, str | None, str | None, str, int]]:
        """Live profiles per (department, status): department id, code, name, status, count."""
        statement = (
            select(
                StaffProfile.department_id,
                Department.code,
                Department.name,
                StaffProfile.employment_status,
                func.count(),
            )
            .outerjoin(Department, Department.id == StaffProfile.department_id)
            .where(StaffProfile.workspace_id == workspace_id, StaffProfile.deleted_at.is_(None))
            .group_by(
                StaffProfile.department_id,
                Department.code,
                Department.name,
                StaffProfile.employment_status,
            )
        )
        return (await self.session.execute(statement)).all()

    async def live_staff_ids(self, workspace_id: UUID) -> set[str]:
        rows = await self.session.scalars(
            select(StaffProfile.staff_id).where(
                StaffProfile.workspace_id == workspace_id, StaffProfile.deleted_at.is_(None)
            )
        )
        return set(rows)

    async def users_with_profiles(self, workspace_id: UUID) -> set[UUID]:
        rows = await self.session.scalars(
            select(StaffProfile.user_id).where(
                StaffProfile.workspace_id == workspace_id, StaffProfile.deleted_at.is_(None)
            )
        )
        return set(rows)

    async def live_members(self, workspace_id: UUID) -> Sequence[Membership]:
        return (
            await self.session.scalars(
                select(Membership).where(
                    Membership.workspace_id == workspace_id, Membership.removed_at.is_(None)
                )
            )
        ).all()

    async def page_transfers(
        self, staff_profile_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[StaffTransfer]:
        statement = select(StaffTransfer).where(StaffTransfer.staff_profile_id == staff_profile_id)
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()
