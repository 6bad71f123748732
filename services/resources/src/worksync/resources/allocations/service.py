"""Allocations: a member booked on a project for some hours per week between two dates.

A bulk change applies many creates, updates and deletes in one transaction, all or nothing:
every row is checked first (each refusal reported with the row's index), then all are
written, and conflicts are recomputed once per member touched.

Workspace admins manage every allocation; project admins those of their projects (of the
project before and after a move). The member must be a live member and the project live and
not archived when an allocation is put on it. Every change recomputes the conflicts of the
members it touches, in the same transaction.

Members read their own allocations and those on the projects they see: a private project's
allocations only when they belong to it (to others they are 404, as the project is).
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import (
    Directory,
    DirectoryMembership,
    DirectoryProject,
    ProjectNotFound,
    WorkspaceContext,
)
from worksync.common.errors import (
    AppError,
    FieldError,
    Forbidden,
    NotFound,
    Unprocessable,
    invalid_field,
    not_found,
    unknown_reference,
)
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.roles import InsufficientRole, ProjectRole, WorkspaceRole
from worksync.resources.allocations.repository import AllocationFilter, AllocationRepository
from worksync.resources.allocations.schemas import (
    AllocationCreate,
    AllocationRead,
    AllocationSort,
    AllocationUpdate,
    BulkCreate,
    BulkDelete,
    BulkRequest,
    BulkResponse,
    BulkResult,
    BulkUpdate,
)
from worksync.resources.conflicts.service import recompute_conflicts
from worksync.resources.members import require_live_member
from worksync.resources.messaging.published import (
    AllocationCreated,
    AllocationDeleted,
    AllocationSnapshot,
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
        rows = await self.allocations.page(
            context, where, key, params, everyone=_sees_everyone(context)
        )
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
        self,
        context: WorkspaceContext,
        allocation_id: UUID,
        request: AllocationUpdate,
        if_match: EntityTags | None = None,
    ) -> AllocationRead:
        allocation = await self._get(context, allocation_id, for_update=True)
        await self._check_manages(context, allocation.project_id)
        check_version(if_match, allocation.version)
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

    async def delete(
        self, context: WorkspaceContext, allocation_id: UUID, if_match: EntityTags | None = None
    ) -> None:
        allocation = await self._get(context, allocation_id, for_update=True)
        await self._check_manages(context, allocation.project_id)
        check_version(if_match, allocation.version)
        await record_allocation(
            self.session, allocation, AllocationDeleted, actor_id=context.user_id
        )
        await self.allocations.delete(allocation)
        await recompute_conflicts(
            self.session, context.workspace_id, [allocation.user_id], context.user_id
        )

    async def bulk(self, context: WorkspaceContext, request: BulkRequest) -> BulkResponse:
        """Check every row, refuse them all if any is bad, else write them all."""
        operations = request.operations
        errors: list[FieldError] = []
        forbidden = False
        seen: dict[UUID, int] = {}
        for index, operation in enumerate(operations):
            if isinstance(operation, BulkCreate):
                continue
            if operation.id in seen:
                errors.append(_row_error(index, "id", f"also changed by row {seen[operation.id]}"))
            seen.setdefault(operation.id, index)
        # Rows locked in one order, so two bulk changes never deadlock.
        locked: dict[UUID, Allocation] = {}
        for allocation_id in sorted(seen):
            allocation = await self.allocations.get(
                context, allocation_id, everyone=True, for_update=True
            )
            if allocation is not None:
                locked[allocation_id] = allocation
        named = {op.user_id for op in operations if not isinstance(op, BulkDelete) and op.user_id}
        members = await self.directory.workspace_members(
            self.session, context.membership, named, context.authorization
        )
        planned: list[tuple[int, BulkCreate | BulkUpdate | BulkDelete, dict[str, object]]] = []
        for index, operation in enumerate(operations):
            try:
                planned.append(
                    (index, operation, await self._plan(context, operation, locked, members))
                )
            except Forbidden as exc:
                forbidden = True
                errors.extend(_row_errors(index, exc))
            except (NotFound, Unprocessable) as exc:
                errors.extend(_row_errors(index, exc))
        if errors:
            errors.sort(key=lambda error: int(error.field.split(".")[1]))
            raise BulkRefused(errors, forbidden=forbidden)
        touched: set[UUID] = set()
        actor = context.user_id
        written: list[tuple[int, str, UUID, Allocation | None]] = []
        for index, operation, values in planned:
            if isinstance(operation, BulkCreate):
                allocation = Allocation(workspace_id=context.workspace_id, **values)
                await self.allocations.add(allocation)
                event: type[AllocationSnapshot] = AllocationCreated
            else:
                allocation = locked[operation.id]
                touched.add(allocation.user_id)
                if isinstance(operation, BulkDelete):
                    await record_allocation(
                        self.session, allocation, AllocationDeleted, actor_id=actor
                    )
                    await self.allocations.delete(allocation)
                    written.append((index, "delete", allocation.id, None))
                    continue
                if all(getattr(allocation, name) == value for name, value in values.items()):
                    written.append((index, "update", allocation.id, allocation))
                    continue
                for name, value in values.items():
                    setattr(allocation, name, value)
                event = AllocationUpdated
            touched.add(allocation.user_id)
            await record_allocation(self.session, allocation, event, actor_id=actor)
            written.append((index, operation.action, allocation.id, allocation))
        await self.allocations.flush()
        await recompute_conflicts(self.session, context.workspace_id, touched, actor)
        results = [
            BulkResult(
                index=index,
                action=action,
                id=allocation_id,
                allocation=None if allocation is None else _read(allocation),
            )
            for index, action, allocation_id, allocation in written
        ]
        return BulkResponse(results=results)

    async def _plan(
        self,
        context: WorkspaceContext,
        operation: BulkCreate | BulkUpdate | BulkDelete,
        locked: dict[UUID, Allocation],
        members: dict[UUID, DirectoryMembership],
    ) -> dict[str, object]:
        """Check one row; the values it writes (raises the row's refusal)."""
        if isinstance(operation, BulkCreate):
            await self._check_new_project(context, operation.project_id)
            if operation.user_id not in members:
                raise unknown_reference("user_id", "member")
            return operation.model_dump(exclude={"action"})
        allocation = locked.get(operation.id)
        if allocation is None:
            raise not_found("allocation")
        await self._check_manages(context, allocation.project_id)
        if isinstance(operation, BulkDelete):
            return {}
        before = {name: getattr(allocation, name) for name in EDITABLE}
        after = {**before, **operation.model_dump(exclude_unset=True, exclude={"action", "id"})}
        if after["end_date"] < after["start_date"]:
            raise invalid_field("end_date", "must not be before start_date")
        if after["project_id"] != before["project_id"]:
            await self._check_new_project(context, after["project_id"])
        if after["user_id"] != before["user_id"] and after["user_id"] not in members:
            raise unknown_reference("user_id", "member")
        return after

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
            context, allocation_id, everyone=_sees_everyone(context), for_update=for_update
        )
        if allocation is None:
            raise not_found("allocation")
        return allocation


def _sees_everyone(context: WorkspaceContext) -> bool:
    """Whether the caller reads every allocation of the workspace: its owners and admins do
    (every project is theirs to see); others see theirs and their projects' (see the
    repository's `_SEEN_BY_READER`)."""
    return context.role.administers


class BulkRefused(AppError):
    """Some rows of a bulk change were refused: nothing was written. 403 when a row needs
    a role the caller lacks, else 422; `errors` names every refused row's field as
    `operations.<index>.<field>`."""

    def __init__(self, errors: list[FieldError], *, forbidden: bool) -> None:
        super().__init__(
            detail=f"{len(errors)} problem(s) in the rows; nothing was changed",
            code="insufficient_role" if forbidden else "bulk_rows_invalid",
            status=403 if forbidden else 422,
            errors=errors,
        )


def _row_error(index: int, field: str, message: str) -> FieldError:
    return FieldError(
        field=".".join(filter(None, ["operations", str(index), field])), message=message
    )


def _row_errors(index: int, exc: AppError) -> list[FieldError]:
    """A row's refusal as field errors of that row, each with the error's code."""
    if exc.errors:
        return [
            _row_error(index, error.field, f"{error.message} ({exc.code})") for error in exc.errors
        ]
    return [_row_error(index, "", f"{exc.detail} ({exc.code})")]
