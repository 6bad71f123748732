"""Allocations: a member booked on a project for some hours per week between two dates.

Workspace admins manage every allocation; project admins those of their projects (of the
project before and after a move). The member must be a live member and the project live and
not archived when an allocation is put on it. Every change recomputes the conflicts of the
members it touches, in the same transaction.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import (
    Directory,
    DirectoryProject,
    ProjectNotFound,
    WorkspaceContext,
)
from worksync.common.errors import invalid_field, not_found, unknown_reference
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.roles import InsufficientRole, ProjectRole, WorkspaceRole
from worksync.resources.allocations.repository import AllocationFilter, AllocationRepository
from worksync.resources.allocations.schemas import (
    AllocationCreate,
    AllocationRead,
    AllocationSort,
    AllocationUpdate,
)
from worksync.resources.conflicts.service import recompute_conflicts
from worksync.resources.members import require_live_member
from worksync.resources.messaging.published import (
    AllocationCreated,
    AllocationDeleted,
    AllocationUpdated,
)
from worksync.resources.messaging.recording import record_allocation
from worksync.resources.models import Allocation

SORT_KEYS = {
    AllocationSort.START_DATE: sort_key("start_date", Allocation.start_date, Allocation.id),
    AllocationSort.START_DATE_DESCENDING: sort_key(
        "-start_date", Allocation.start_date, Allocation.id
    ),
    AllocationSort.CREATED_AT: sort_key("created_at", Allocation.created_at, Allocation.id),
    AllocationSort.NEWEST_FIRST: sort_key("-created_at", Allocation.created_at, Allocation.id),
}
EDITABLE = ("user_id", "project_id", "role", "hours_per_week", "start_date", "end_date", "notes")


def _read(allocation: Allocation) -> AllocationRead:
    return AllocationRead.model_validate(allocation, from_attributes=True)


class AllocationService:
    def __init__(self, session: AsyncSession, directory: Directory) -> None:
        self.session = session
        self.directory = directory
        self.allocations = AllocationRepository(session)

    async def page(
        self,
        context: WorkspaceContext,
        where: AllocationFilter,
        sort: AllocationSort,
        params: PageParams,
    ) -> tuple[list[AllocationRead], str | None]:
        key = SORT_KEYS[sort]
        rows = await self.allocations.page(context.workspace_id, where, key, params)
        items, next_cursor = build_page(rows, key, params)
        return [_read(item) for item in items], next_cursor

    async def get(self, context: WorkspaceContext, allocation_id: UUID) -> AllocationRead:
        return _read(await self._get(context, allocation_id))

    async def create(self, context: WorkspaceContext, request: AllocationCreate) -> AllocationRead:
        await self._check_new_project(context, request.project_id)
        await require_live_member(self.session, self.directory, context, request.user_id)
        allocation = Allocation(workspace_id=context.workspace_id, **request.model_dump())
        await self.allocations.add(allocation)
        await record_allocation(
            self.session, allocation, AllocationCreated, actor_id=context.user_id
        )
        await self.allocations.flush()
        await recompute_conflicts(
            self.session, context.workspace_id, [allocation.user_id], context.user_id
        )
        return _read(allocation)

    async def update(
        self, context: WorkspaceContext, allocation_id: UUID, request: AllocationUpdate
    ) -> AllocationRead:
        allocation = await self._get(context, allocation_id, for_update=True)
        await self._check_manages(context, allocation.project_id)
        before = {name: getattr(allocation, name) for name in EDITABLE}
        after = {**before, **request.model_dump(exclude_unset=True)}
        if after["end_date"] < after["start_date"]:
            raise invalid_field("end_date", "must not be before start_date")
        if after["project_id"] != before["project_id"]:
            await self._check_new_project(context, after["project_id"])
        if after["user_id"] != before["user_id"]:
            await require_live_member(self.session, self.directory, context, after["user_id"])
        if after == before:
            return _read(allocation)
        for name, value in after.items():
            setattr(allocation, name, value)
        await record_allocation(
            self.session, allocation, AllocationUpdated, actor_id=context.user_id
        )
        await self.allocations.flush()
        await recompute_conflicts(
            self.session,
            context.workspace_id,
            {before["user_id"], allocation.user_id},
            context.user_id,
        )
        return _read(allocation)

    async def delete(self, context: WorkspaceContext, allocation_id: UUID) -> None:
        allocation = await self._get(context, allocation_id, for_update=True)
        await self._check_manages(context, allocation.project_id)
        await record_allocation(
            self.session, allocation, AllocationDeleted, actor_id=context.user_id
        )
        await self.allocations.delete(allocation)
        await recompute_conflicts(
            self.session, context.workspace_id, [allocation.user_id], context.user_id
        )

    async def _check_manages(self, context: WorkspaceContext, project_id: UUID) -> None:
        """Workspace admins manage every allocation, project admins their project's."""
        if context.role.at_least(WorkspaceRole.ADMIN):
            return
        try:
            await self._project(context, project_id)
        except ProjectNotFound as exc:
            raise InsufficientRole("project admin") from exc

    async def _check_new_project(self, context: WorkspaceContext, project_id: UUID) -> None:
        """The project an allocation is put on: live, of this workspace, not archived, and
        administered by the caller."""
        try:
            project = await self._project(context, project_id)
        except ProjectNotFound as exc:
            raise unknown_reference("project_id", "project") from exc
        if project.archived_at is not None:
            raise invalid_field("project_id", "the project is archived", code="project_archived")

    async def _project(self, context: WorkspaceContext, project_id: UUID) -> DirectoryProject:
        return await self.directory.project(
            self.session,
            context.membership,
            project_id,
            context.authorization,
            at_least=ProjectRole.ADMIN,
        )

    async def _get(
        self, context: WorkspaceContext, allocation_id: UUID, *, for_update: bool = False
    ) -> Allocation:
        allocation = await self.allocations.get(
            context.workspace_id, allocation_id, for_update=for_update
        )
        if allocation is None:
            raise not_found("allocation")
        return allocation
