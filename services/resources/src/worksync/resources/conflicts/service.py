"""Conflicts: recomputed after every change of allocations, capacity or time off, and read,
resolved or ignored through the API.

Reconciliation compares what detection finds with the member's stored open and ignored
conflicts:

- a found conflict equal to an open one (same dates, allocations and amounts) keeps that row;
- an open conflict no longer found is resolved (`resources.conflict.resolved`);
- a found conflict that is new is stored open (`resources.conflict.detected`);
- an ignored conflict silences every new conflict made of the same allocations, for as
  long as those allocations over-book the member; once they no longer do, it is resolved.

An admin's `resolve` settles a conflict by hand; if the allocations still over-book the
member, the next recomputation detects it again as a new conflict (`ignore` is the way to
silence a known over-allocation).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.clock import utc_now
from worksync.common.directory import WorkspaceContext
from worksync.common.errors import not_found
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.roles import InsufficientRole, WorkspaceRole
from worksync.resources.conflicts.detection import Overbooking, find_overbookings
from worksync.resources.conflicts.repository import ConflictRepository
from worksync.resources.conflicts.schemas import ConflictRead, ConflictSort
from worksync.resources.errors import ConflictSettled
from worksync.resources.messaging.published import ConflictDetected, ConflictResolved
from worksync.resources.messaging.recording import record_conflict
from worksync.resources.models import Conflict, ConflictStatus

SORT_KEYS = {
    ConflictSort.START_DATE: sort_key("start_date", Conflict.start_date, Conflict.id),
    ConflictSort.NEWEST_FIRST: sort_key("-detected_at", Conflict.detected_at, Conflict.id),
}

ConflictKey = tuple[object, ...]
COLUMNS = [name for name in ConflictRead.model_fields if name != "allocation_ids"]


def _key(conflict: Conflict | Overbooking, allocation_ids: Iterable[UUID]) -> ConflictKey:
    return (
        conflict.start_date,
        conflict.end_date,
        conflict.capacity_hours_per_week,
        conflict.allocated_hours_per_week,
        frozenset(allocation_ids),
    )


def _read(conflict: Conflict, allocation_ids: list[UUID]) -> ConflictRead:
    columns = {name: getattr(conflict, name) for name in COLUMNS}
    return ConflictRead.model_validate({**columns, "allocation_ids": allocation_ids})


async def recompute_conflicts(
    session: AsyncSession, workspace_id: UUID, user_ids: Iterable[UUID], actor_id: UUID | None
) -> None:
    """Bring the stored conflicts of these members in line with their allocations."""
    repository = ConflictRepository(session)
    users = sorted(set(user_ids))
    # All locks first, in one order: two writers moving allocations between the same
    # members in opposite directions cannot deadlock.
    for user_id in users:
        await repository.lock_user(workspace_id, user_id)
    for user_id in users:
        await _reconcile(repository, session, workspace_id, user_id, actor_id)


async def _reconcile(
    repository: ConflictRepository,
    session: AsyncSession,
    workspace_id: UUID,
    user_id: UUID,
    actor_id: UUID | None,
) -> None:
    found = find_overbookings(
        await repository.bookings(workspace_id, user_id),
        await repository.availability(workspace_id, user_id),
    )
    stored = await repository.unsettled(workspace_id, user_id)
    links = await repository.allocation_ids(conflict.id for conflict in stored)
    ignored = [c for c in stored if c.status == ConflictStatus.IGNORED]
    ignored_sets = {frozenset(links[c.id]) for c in ignored}
    found_sets = {overbooking.allocation_ids for overbooking in found}
    open_by_key = {_key(c, links[c.id]): c for c in stored if c.status == ConflictStatus.OPEN}
    now = utc_now()
    new: list[Overbooking] = []
    for overbooking in found:
        # An open conflict still found keeps its row, even when a conflict of the same
        # allocations was ignored since; the ignored one silences only new ones.
        if open_by_key.pop(_key(overbooking, overbooking.allocation_ids), None) is not None:
            continue
        if overbooking.allocation_ids not in ignored_sets:
            new.append(overbooking)
    vanished = list(open_by_key.values())
    vanished += [c for c in ignored if frozenset(links[c.id]) not in found_sets]
    for conflict in vanished:
        conflict.status = ConflictStatus.RESOLVED
        conflict.resolved_at = now
        await record_conflict(
            session,
            conflict,
            ConflictResolved,
            allocation_ids=links[conflict.id],
            actor_id=actor_id,
        )
    for overbooking in new:
        conflict = Conflict(
            workspace_id=workspace_id,
            user_id=user_id,
            start_date=overbooking.start_date,
            end_date=overbooking.end_date,
            capacity_hours_per_week=overbooking.capacity_hours_per_week,
            allocated_hours_per_week=overbooking.allocated_hours_per_week,
            over_allocation_percent=overbooking.over_allocation_percent,
            status=ConflictStatus.OPEN,
            detected_at=now,
        )
        allocation_ids = sorted(overbooking.allocation_ids)
        await repository.add_conflict(conflict, allocation_ids)
        await record_conflict(
            session, conflict, ConflictDetected, allocation_ids=allocation_ids, actor_id=actor_id
        )
    await repository.flush()


class ConflictService:
    """Members see their own conflicts; admins see everyone's and settle them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.conflicts = ConflictRepository(session)

    async def page(
        self,
        context: WorkspaceContext,
        *,
        status: ConflictStatus | None,
        user_id: UUID | None,
        sort: ConflictSort,
        params: PageParams,
    ) -> tuple[list[ConflictRead], str | None]:
        if not context.role.at_least(WorkspaceRole.ADMIN):
            # Members see their own conflicts only.
            if user_id not in (None, context.user_id):
                raise InsufficientRole(WorkspaceRole.ADMIN.value)
            user_id = context.user_id
        key = SORT_KEYS[sort]
        rows = await self.conflicts.page(
            context.workspace_id, status=status, user_id=user_id, key=key, params=params
        )
        items, next_cursor = build_page(rows, key, params)
        links = await self.conflicts.allocation_ids(item.id for item in items)
        return [_read(item, links[item.id]) for item in items], next_cursor

    async def get(self, context: WorkspaceContext, conflict_id: UUID) -> ConflictRead:
        conflict = await self._get(context, conflict_id)
        return await self._read_one(conflict)

    async def resolve(self, context: WorkspaceContext, conflict_id: UUID) -> ConflictRead:
        conflict = await self._get(context, conflict_id, for_update=True)
        if conflict.status == ConflictStatus.RESOLVED:
            raise ConflictSettled(conflict.status)
        conflict.status = ConflictStatus.RESOLVED
        conflict.resolved_at = utc_now()
        conflict.resolved_by_id = context.user_id
        links = await self.conflicts.allocation_ids([conflict.id])
        await record_conflict(
            self.session,
            conflict,
            ConflictResolved,
            allocation_ids=links[conflict.id],
            actor_id=context.user_id,
        )
        await self.conflicts.flush()
        return _read(conflict, links[conflict.id])

    async def ignore(self, context: WorkspaceContext, conflict_id: UUID) -> ConflictRead:
        """Ignoring changes what consumers were told nothing about: no event, so the version
        is bumped here rather than by the recorder (the next event's sequence skips it, which
        consumers keeping the newest do not mind)."""
        conflict = await self._get(context, conflict_id, for_update=True)
        if conflict.status != ConflictStatus.OPEN:
            raise ConflictSettled(conflict.status)
        conflict.status = ConflictStatus.IGNORED
        conflict.ignored_at = utc_now()
        conflict.ignored_by_id = context.user_id
        conflict.version += 1
        await self.conflicts.flush()
        return await self._read_one(conflict)

    async def _read_one(self, conflict: Conflict) -> ConflictRead:
        links = await self.conflicts.allocation_ids([conflict.id])
        return _read(conflict, links[conflict.id])

    async def _get(
        self, context: WorkspaceContext, conflict_id: UUID, *, for_update: bool = False
    ) -> Conflict:
        conflict = await self.conflicts.get(
            context.workspace_id, conflict_id, for_update=for_update
        )
        visible = conflict is not None and (
            context.role.at_least(WorkspaceRole.ADMIN) or conflict.user_id == context.user_id
        )
        if conflict is None or not visible:
            raise not_found("conflict")
        return conflict
