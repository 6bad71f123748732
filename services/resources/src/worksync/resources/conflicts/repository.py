"""SQL of conflicts: the per-user lock, what detection reads, and the conflict rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from uuid import UUID

from sqlalchemy import select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.resources.conflicts.detection import Availability, Booking
from worksync.resources.models import (
    DEFAULT_HOURS_PER_WEEK,
    DEFAULT_WORKING_DAYS,
    Allocation,
    CapacityProfile,
    Conflict,
    ConflictAllocation,
    ConflictStatus,
    TimeOff,
)


class ConflictRepository(Repository):
    async def lock_user(self, workspace_id: UUID, user_id: UUID) -> None:
        """Serialise the recomputation of one member's conflicts until the transaction
        ends: the next writer reads allocations and conflicts only after this one
        committed, so concurrent changes never leave stale conflicts behind."""
        await self.lock_key(f"resources.conflicts:{workspace_id}:{user_id}")

    async def bookings(self, workspace_id: UUID, user_id: UUID) -> list[Booking]:
        rows = await self.session.execute(
            select(
                Allocation.id, Allocation.start_date, Allocation.end_date, Allocation.hours_per_week
            ).where(Allocation.workspace_id == workspace_id, Allocation.user_id == user_id)
        )
        return [
            Booking(
                allocation_id=row.id,
                start_date=row.start_date,
                end_date=row.end_date,
                hours_per_week=row.hours_per_week,
            )
            for row in rows
        ]

    async def availability(self, workspace_id: UUID, user_id: UUID) -> Availability:
        """The member's capacity; a member without a profile (yet) has the defaults."""
        profile = (
            await self.session.execute(
                select(
                    CapacityProfile.id,
                    CapacityProfile.hours_per_week,
                    CapacityProfile.working_days,
                ).where(
                    CapacityProfile.workspace_id == workspace_id,
                    CapacityProfile.user_id == user_id,
                )
            )
        ).one_or_none()
        if profile is None:
            return Availability(DEFAULT_HOURS_PER_WEEK, frozenset(DEFAULT_WORKING_DAYS))
        periods = await self.session.execute(
            select(TimeOff.start_date, TimeOff.end_date)
            .where(TimeOff.profile_id == profile.id)
            .order_by(TimeOff.start_date)
        )
        return Availability(
            profile.hours_per_week,
            frozenset(profile.working_days),
            tuple((row.start_date, row.end_date) for row in periods),
        )

    async def unsettled(self, workspace_id: UUID, user_id: UUID) -> Sequence[Conflict]:
        """The member's open and ignored conflicts, locked."""
        return (
            await self.session.scalars(
                select(Conflict)
                .where(
                    Conflict.workspace_id == workspace_id,
                    Conflict.user_id == user_id,
                    Conflict.status != ConflictStatus.RESOLVED,
                )
                .order_by(Conflict.start_date, Conflict.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def allocation_ids(self, conflict_ids: Iterable[UUID]) -> dict[UUID, list[UUID]]:
        """Each conflict's allocations, in one query."""
        wanted = list(conflict_ids)
        found: defaultdict[UUID, list[UUID]] = defaultdict(list)
        if not wanted:
            return found
        rows = await self.session.execute(
            select(ConflictAllocation.conflict_id, ConflictAllocation.allocation_id)
            .where(ConflictAllocation.conflict_id.in_(wanted))
            .order_by(ConflictAllocation.allocation_id)
        )
        for row in rows:
            found[row.conflict_id].append(row.allocation_id)
        return found

    async def add_conflict(self, conflict: Conflict, allocation_ids: Iterable[UUID]) -> None:
        """The conflict and its links to the allocations it is made of."""
        await self.add(conflict)
        await self.add_all(
            [
                ConflictAllocation(conflict_id=conflict.id, allocation_id=allocation_id)
                for allocation_id in allocation_ids
            ]
        )

    async def get(
        self, workspace_id: UUID, conflict_id: UUID, *, for_update: bool = False
    ) -> Conflict | None:
        statement = select(Conflict).where(
            Conflict.workspace_id == workspace_id, Conflict.id == conflict_id
        )
        if for_update:
            return await self.lock_for_update(statement)
        return await self.session.scalar(statement)

    async def page(
        self,
        workspace_id: UUID,
        *,
        status: ConflictStatus | None,
        user_id: UUID | None,
        key: SortKey,
        params: PageParams,
    ) -> Sequence[Conflict]:
        statement = select(Conflict).where(Conflict.workspace_id == workspace_id)
        if status is not None:
            statement = statement.where(Conflict.status == status)
        if user_id is not None:
            statement = statement.where(Conflict.user_id == user_id)
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()
