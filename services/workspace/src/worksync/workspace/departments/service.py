"""Departments: a tree of at most five levels per workspace, with soft delete and restore.

Every write takes the workspace's department lock first (see `DepartmentRepository`), so
cycle and depth checks read a tree nobody else is changing. A move recomputes the levels
of the moved subtree, deleted departments included (they may be restored), in one
statement. Changes to managers, linked projects and the shape of the tree run auto-sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import Conflict, invalid_field, not_found, unknown_reference
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.roles import WorkspaceRole
from worksync.workspace.access import WorkspaceAccess
from worksync.workspace.department_grants.service import sync_department_grants
from worksync.workspace.departments.repository import DepartmentRepository
from worksync.workspace.departments.schemas import (
    Department,
    DepartmentCreate,
    DepartmentFilters,
    DepartmentNode,
    DepartmentSort,
    DepartmentTree,
    DepartmentUpdate,
)
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.messaging.published import (
    DepartmentCreated,
    DepartmentDeleted,
    DepartmentMoved,
    DepartmentRestored,
    DepartmentSnapshot,
    DepartmentUpdated,
)
from worksync.workspace.messaging.recording import record_department
from worksync.workspace.models import Department as DepartmentRow
from worksync.workspace.models.departments import MAX_DEPARTMENT_LEVEL
from worksync.workspace.projects.repository import ProjectRepository

SORT_KEYS = {
    DepartmentSort.NAME: sort_key("name", DepartmentRow.name, DepartmentRow.id),
    DepartmentSort.CODE: sort_key("code", DepartmentRow.code, DepartmentRow.id),
    DepartmentSort.CREATED_AT: sort_key("created_at", DepartmentRow.created_at, DepartmentRow.id),
    DepartmentSort.NEWEST_FIRST: sort_key(
        "-created_at", DepartmentRow.created_at, DepartmentRow.id
    ),
}
# Fields whose change may alter what auto-sync grants.
GRANTING_FIELDS = ("parent_id", "manager_id", "linked_project_id")
TOO_DEEP = f"departments nest at most {MAX_DEPARTMENT_LEVEL} levels deep"


class DepartmentCycle(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "A department cannot move below itself or one of its sub-departments",
            code="department_cycle",
        )


class DepartmentHasChildren(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "The department has sub-departments; move or delete them first, or delete "
            "with cascade=true",
            code="department_has_children",
        )


class DepartmentHasStaff(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "Active staff belong to the department (or one below it); transfer them first",
            code="department_has_staff",
        )


class DepartmentNotDeleted(Conflict):
    def __init__(self) -> None:
        super().__init__("The department is not deleted", code="department_not_deleted")


class ParentDeleted(Conflict):
    def __init__(self) -> None:
        super().__init__("Restore the parent department first", code="parent_deleted")


def _tree(rows: Sequence[Row[DepartmentRow, int]]) -> list[DepartmentNode]:
    """Nest the departments (given by name) under their parents, summing staff upwards."""
    nodes = {
        row.id: DepartmentNode.model_validate(
            {
                **Department.of(row).model_dump(),
                "staff_count": count,
                "total_staff_count": count,
                "children": [],
            }
        )
        for row, count in rows
    }
    roots: list[DepartmentNode] = []
    for row, _ in rows:
        parent = nodes.get(row.parent_id) if row.parent_id else None
        (parent.children if parent else roots).append(nodes[row.id])
    # Deepest first, so each child's total is complete before its parent adds it.
    for row, _ in sorted(rows, key=lambda item: -item[0].level):
        if row.parent_id in nodes:
            nodes[row.parent_id].total_staff_count += nodes[row.id].total_staff_count
    return roots


class DepartmentService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.departments = DepartmentRepository(session)

    async def page(
        self,
        access: WorkspaceAccess,
        filters: DepartmentFilters,
        sort: DepartmentSort,
        params: PageParams,
    ) -> tuple[list[Department], str | None]:
        if filters.include_deleted:
            access.require(WorkspaceRole.ADMIN)
        key = SORT_KEYS[sort]
        rows = await self.departments.page(access.workspace_id, filters, key, params)
        items, next_cursor = build_page(rows, key, params)
        return [Department.of(row) for row in items], next_cursor

    async def tree(self, access: WorkspaceAccess) -> DepartmentTree:
        rows = await self.departments.live_with_staff_counts(access.workspace_id)
        return DepartmentTree(roots=_tree(rows))

    async def get(self, access: WorkspaceAccess, department_id: UUID) -> Department:
        """Admins also see deleted departments (to restore them); others get 404."""
        department = await self.departments.get(
            access.workspace_id, department_id, include_deleted=access.is_admin
        )
        if department is None:
            raise not_found("department")
        return Department.of(department)

    async def create(
        self, access: WorkspaceAccess, request: DepartmentCreate, now: datetime
    ) -> Department:
        await self.departments.lock_tree(access.workspace_id)
        level = await self._level_under(access.workspace_id, request.parent_id)
        await self._check_references(access.workspace_id, request.model_dump())
        department = DepartmentRow(
            workspace_id=access.workspace_id, level=level, **request.model_dump()
        )
        await self.departments.add(department)
        await record_department(
            self.session, department, DepartmentCreated, actor_id=access.user_id
        )
        await sync_department_grants(
            self.session, access.workspace_id, now=now, actor_id=access.user_id
        )
        return Department.of(department)

    async def update(
        self,
        access: WorkspaceAccess,
        department_id: UUID,
        request: DepartmentUpdate,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> Department:
        await self.departments.lock_tree(access.workspace_id)
        department = await self._get_live_for_update(access, department_id)
        check_version(if_match, department.version)
        changes = {
            name: value
            for name, value in request.model_dump(exclude_unset=True).items()
            if value != getattr(department, name)
        }
        if not changes:
            return Department.of(department)
        await self._check_references(access.workspace_id, changes)
        moved = "parent_id" in changes
        if moved:
            department.level = await self._level_after_move(department, changes["parent_id"])
        for name, value in changes.items():
            setattr(department, name, value)
        event: type[DepartmentSnapshot] = DepartmentMoved if moved else DepartmentUpdated
        await record_department(self.session, department, event, actor_id=access.user_id)
        await self.departments.flush()
        if moved:
            await self._relevel_below(department, actor_id=access.user_id)
        if any(name in changes for name in GRANTING_FIELDS):
            await sync_department_grants(
                self.session, access.workspace_id, now=now, actor_id=access.user_id
            )
        return Department.of(department)

    async def delete(
        self,
        access: WorkspaceAccess,
        department_id: UUID,
        *,
        cascade: bool,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> None:
        """Mark the department deleted, with its live sub-departments if `cascade`.

        Refused while active staff belong to any of them, and, without `cascade`, while
        it has live sub-departments.
        """
        await self.departments.lock_tree(access.workspace_id)
        department = await self._get_live_for_update(access, department_id)
        check_version(if_match, department.version)
        if not cascade and await self.departments.has_live_children(department.id):
            raise DepartmentHasChildren()
        subtree = await self.departments.subtree(access.workspace_id, department.id, live_only=True)
        ids = [member.id for member in subtree]
        if await self.departments.has_active_staff(ids):
            raise DepartmentHasStaff()
        # Deepest first: consumers hear of sub-departments going before their parent.
        for row in await self.departments.get_many_for_update(ids):
            row.deleted_at = now
            await record_department(self.session, row, DepartmentDeleted, actor_id=access.user_id)
        await sync_department_grants(
            self.session, access.workspace_id, now=now, actor_id=access.user_id
        )

    async def restore(
        self, access: WorkspaceAccess, department_id: UUID, now: datetime
    ) -> Department:
        """Bring back one deleted department (its sub-departments stay as they are)."""
        await self.departments.lock_tree(access.workspace_id)
        department = await self.departments.get(
            access.workspace_id, department_id, include_deleted=True, for_update=True
        )
        if department is None:
            raise not_found("department")
        if department.deleted_at is None:
            raise DepartmentNotDeleted()
        if department.parent_id is not None and (
            await self.departments.get(access.workspace_id, department.parent_id) is None
        ):
            raise ParentDeleted()
        # What it referred to may have gone while it was deleted: the manager left (or is
        # a guest now), the linked project was deleted.
        if department.manager_id is not None and not await self._may_manage(
            access.workspace_id, department.manager_id
        ):
            department.manager_id = None
        if department.linked_project_id is not None and (
            await ProjectRepository(self.session).get_live(
                access.workspace_id, department.linked_project_id
            )
            is None
        ):
            department.linked_project_id = None
        department.deleted_at = None
        await record_department(
            self.session, department, DepartmentRestored, actor_id=access.user_id
        )
        await self.departments.flush()
        await sync_department_grants(
            self.session, access.workspace_id, now=now, actor_id=access.user_id
        )
        return Department.of(department)

    async def _get_live_for_update(
        self, access: WorkspaceAccess, department_id: UUID
    ) -> DepartmentRow:
        department = await self.departments.get(access.workspace_id, department_id, for_update=True)
        if department is None:
            raise not_found("department")
        return department

    async def _level_under(self, workspace_id: UUID, parent_id: UUID | None) -> int:
        """The level of a department placed under `parent_id` (a live department)."""
        if parent_id is None:
            return 1
        parent = await self.departments.get(workspace_id, parent_id)
        if parent is None:
            raise unknown_reference("parent_id", "department")
        if parent.level >= MAX_DEPARTMENT_LEVEL:
            raise invalid_field("parent_id", TOO_DEEP)
        return parent.level + 1

    async def _level_after_move(self, department: DepartmentRow, parent_id: UUID | None) -> int:
        """The department's level under its new parent, refusing cycles and depth beyond
        the limit for any department below it (deleted ones included)."""
        if parent_id == department.id:
            raise DepartmentCycle()
        subtree = await self.departments.subtree(
            department.workspace_id, department.id, live_only=False
        )
        if parent_id in {member.id for member in subtree}:
            raise DepartmentCycle()
        if parent_id is None:
            return 1
        parent = await self.departments.get(department.workspace_id, parent_id)
        if parent is None:
            raise unknown_reference("parent_id", "department")
        level = parent.level + 1
        if level + max(member.depth for member in subtree) > MAX_DEPARTMENT_LEVEL:
            raise invalid_field("parent_id", f"{TOO_DEEP}, sub-departments included")
        return level

    async def _relevel_below(self, department: DepartmentRow, *, actor_id: UUID) -> None:
        """Recompute the levels under a moved department; announce each live one that
        changed (a deleted one announces its level when it is restored)."""
        changed = await self.departments.relevel_subtree(
            department.workspace_id, department.id, department.level
        )
        for row in await self.departments.get_many_for_update(changed):
            if row.deleted_at is None:
                await record_department(self.session, row, DepartmentUpdated, actor_id=actor_id)
        await self.departments.flush()

    async def _may_manage(self, workspace_id: UUID, user_id: UUID) -> bool:
        member = await MemberRepository(self.session).get_live(workspace_id, user_id)
        return member is not None and member.role != WorkspaceRole.GUEST

    async def _check_references(self, workspace_id: UUID, values: dict[str, Any]) -> None:
        """The manager must be a member who is not a guest; the linked project the
        workspace's own and not deleted."""
        manager_id, project_id = values.get("manager_id"), values.get("linked_project_id")
        if manager_id is not None and not await self._may_manage(workspace_id, manager_id):
            raise unknown_reference("manager_id", "member (guests cannot manage departments)")
        if project_id is not None and (
            await ProjectRepository(self.session).get_live(workspace_id, project_id) is None
        ):
            raise unknown_reference("linked_project_id", "project")
