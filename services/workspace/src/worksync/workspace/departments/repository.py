"""SQL of departments: rows, the tree lock, and the recursive queries over subtrees."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from uuid import UUID

from sqlalchemy import CTE, Row, exists, func, literal, select, update
from sqlalchemy.orm import InstrumentedAttribute, aliased

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.workspace.departments.schemas import DepartmentFilters
from worksync.workspace.enums import ACTIVE_EMPLOYMENT_STATUSES
from worksync.workspace.errors import DepartmentFieldTaken
from worksync.workspace.models import Department, StaffProfile
from worksync.workspace.search import contains


@dataclass(frozen=True)
class SubtreeMember:
    id: UUID
    # 0 for the subtree's root, 1 for its children, and so on.
    depth: int


def subtree_cte(workspace_id: UUID, root_id: UUID, *, live_only: bool, name: str) -> CTE:
    """The root and every department below it, each with its depth under the root."""
    top = (
        select(Department.id.label("id"), literal(0).label("depth"))
        .where(Department.workspace_id == workspace_id, Department.id == root_id)
        .cte(name, recursive=True)
    )
    child = aliased(Department)
    step = select(child.id, top.c.depth + 1).where(
        child.parent_id == top.c.id, child.workspace_id == workspace_id
    )
    if live_only:
        step = step.where(child.deleted_at.is_(None))
    return top.union_all(step)


def active_staff_counts() -> Any:
    """Active staff per department, as a subquery (`department_id`, `staff_count`)."""
    return (
        select(StaffProfile.department_id, func.count().label("staff_count"))
        .where(
            StaffProfile.deleted_at.is_(None),
            StaffProfile.employment_status.in_(ACTIVE_EMPLOYMENT_STATUSES),
        )
        .group_by(StaffProfile.department_id)
        .subquery("active_staff_counts")
    )


class DepartmentRepository(Repository):
    # Another live department of the workspace has this code, short name or number.
    constraint_errors = {
        "uq_departments_live_workspace_id_lower_code": partial(DepartmentFieldTaken, "code"),
        "uq_departments_live_workspace_id_short_name": partial(DepartmentFieldTaken, "short_name"),
        "uq_departments_live_workspace_id_dept_code": partial(DepartmentFieldTaken, "dept_code"),
    }

    async def lock_tree(self, workspace_id: UUID) -> None:
        """Serialise the department writes of one workspace until the transaction ends.

        Moves, deletions and manager changes read the tree and then change it (cycle and
        depth checks, grants); one at a time per workspace keeps those reads true.
        """
        await self.lock_key(f"workspace.departments:{workspace_id}")

    async def get(
        self,
        workspace_id: UUID,
        department_id: UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Department | None:
        statement = select(Department).where(
            Department.workspace_id == workspace_id, Department.id == department_id
        )
        if not include_deleted:
            statement = statement.where(Department.deleted_at.is_(None))
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(statement)

    async def live_with_code(self, workspace_id: UUID, code: str) -> Department | None:
        return await self.session.scalar(
            select(Department).where(
                Department.workspace_id == workspace_id,
                func.lower(Department.code) == code.lower(),
                Department.deleted_at.is_(None),
            )
        )

    async def live_codes(self, workspace_id: UUID) -> dict[str, UUID]:
        """Every live department's code (lower-cased) and id."""
        rows = await self.session.execute(
            select(func.lower(Department.code), Department.id).where(
                Department.workspace_id == workspace_id, Department.deleted_at.is_(None)
            )
        )
        return dict(rows.all())

    async def subtree(
        self, workspace_id: UUID, root_id: UUID, *, live_only: bool
    ) -> list[SubtreeMember]:
        """The department and all below it (deleted ones too unless `live_only`)."""
        tree = subtree_cte(workspace_id, root_id, live_only=live_only, name="subtree")
        rows = await self.session.execute(select(tree.c.id, tree.c.depth))
        return [SubtreeMember(id=row.id, depth=row.depth) for row in rows]

    async def relevel_subtree(
        self, workspace_id: UUID, root_id: UUID, root_level: int
    ) -> list[UUID]:
        """Give every department below the root the level its depth calls for, in one
        statement; the ids of those whose level changed."""
        tree = subtree_cte(workspace_id, root_id, live_only=False, name="moved")
        changed = await self.session.execute(
            update(Department)
            .where(Department.id == tree.c.id, Department.level != root_level + tree.c.depth)
            .values(level=root_level + tree.c.depth)
            .returning(Department.id)
        )
        return list(changed.scalars())

    async def get_many_for_update(self, ids: Sequence[UUID]) -> Sequence[Department]:
        return (
            await self.session.scalars(
                select(Department)
                .where(Department.id.in_(ids))
                .order_by(Department.level.desc(), Department.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def has_live_children(self, department_id: UUID) -> bool:
        statement = select(
            exists().where(Department.parent_id == department_id, Department.deleted_at.is_(None))
        )
        return bool(await self.session.scalar(statement))

    async def has_active_staff(self, department_ids: Sequence[UUID]) -> bool:
        statement = select(
            exists().where(
                StaffProfile.department_id.in_(department_ids),
                StaffProfile.deleted_at.is_(None),
                StaffProfile.employment_status.in_(ACTIVE_EMPLOYMENT_STATUSES),
            )
        )
        return bool(await self.session.scalar(statement))

    async def live_where(
        self, workspace_id: UUID, column: InstrumentedAttribute[Any], value: UUID
    ) -> Sequence[Department]:
        """Live departments whose `column` (manager, linked project) is `value`, locked."""
        return (
            await self.session.scalars(
                select(Department)
                .where(
                    Department.workspace_id == workspace_id,
                    column == value,
                    Department.deleted_at.is_(None),
                )
                .order_by(Department.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def manages_live_department(self, workspace_id: UUID, user_id: UUID) -> bool:
        statement = select(
            exists().where(
                Department.workspace_id == workspace_id,
                Department.manager_id == user_id,
                Department.deleted_at.is_(None),
            )
        )
        return bool(await self.session.scalar(statement))

    async def live_managers(self, workspace_id: UUID) -> set[UUID]:
        rows = await self.session.scalars(
            select(Department.manager_id).where(
                Department.workspace_id == workspace_id,
                Department.manager_id.is_not(None),
                Department.deleted_at.is_(None),
            )
        )
        return {manager_id for manager_id in rows if manager_id is not None}

    async def page(
        self, workspace_id: UUID, filters: DepartmentFilters, key: SortKey, params: PageParams
    ) -> Sequence[Department]:
        statement = select(Department).where(Department.workspace_id == workspace_id)
        if not filters.include_deleted:
            statement = statement.where(Department.deleted_at.is_(None))
        equal_to: list[tuple[InstrumentedAttribute[Any], object]] = [
            (Department.parent_id, filters.parent_id),
            (Department.level, filters.level),
            (Department.is_active, filters.is_active),
            (Department.manager_id, filters.manager_id),
        ]
        for column, value in equal_to:
            if value is not None:
                statement = statement.where(column == value)
        if filters.search:
            statement = statement.where(contains(filters.search, Department.name, Department.code))
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def live_with_staff_counts(self, workspace_id: UUID) -> Sequence[Row[Department, int]]:
        """Every live department with its active staff count, by name: one query."""
        counts = active_staff_counts()
        statement = (
            select(Department, func.coalesce(counts.c.staff_count, 0))
            .outerjoin(counts, counts.c.department_id == Department.id)
            .where(Department.workspace_id == workspace_id, Department.deleted_at.is_(None))
            .order_by(Department.name, Department.id)
        )
        return (await self.session.execute(statement)).all()
