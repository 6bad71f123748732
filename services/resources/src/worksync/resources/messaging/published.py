"""The events the resources service publishes (the `data` of their CloudEvents), its outbox,
and the helpers that record them.

Each event's subject is the id of the row it describes and its sequence that row's
`version`, bumped by the helper: allocations (deletion bumps it too), conflicts and
capacity profiles. Every verb carries the whole state, so consumers apply newest-wins.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar, Protocol
from uuid import UUID

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.envelope import IntegrationEvent
from worksync.common.events.outbox import Outbox
from worksync.resources.models import Allocation, CapacityProfile, Conflict, messaging

SOURCE = "worksync/resources"

outbox = Outbox(messaging.outbox, source=SOURCE)

# Hours and percentages travel as decimal strings with two places.
DecimalString = Annotated[str, Field(pattern=r"^\d+\.\d{2}$", examples=["40.00"])]


def decimal_string(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


class AllocationSnapshot(IntegrationEvent):
    allocation_id: UUID
    workspace_id: UUID
    user_id: UUID
    project_id: UUID
    role: str | None
    hours_per_week: DecimalString
    start_date: date
    end_date: date


class AllocationCreated(AllocationSnapshot):
    """A member was allocated to a project."""

    event_type: ClassVar[str] = "resources.allocation.created"


class AllocationUpdated(AllocationSnapshot):
    """An allocation's user, project, role, hours or dates changed."""

    event_type: ClassVar[str] = "resources.allocation.updated"


class AllocationDeleted(AllocationSnapshot):
    """An allocation was deleted; carries its last state."""

    event_type: ClassVar[str] = "resources.allocation.deleted"


class ConflictSnapshot(IntegrationEvent):
    conflict_id: UUID
    workspace_id: UUID
    user_id: UUID
    start_date: date
    end_date: date
    capacity_hours_per_week: DecimalString
    allocated_hours_per_week: DecimalString
    # Null only when the capacity is zero: time off on every working day of the interval.
    over_allocation_percent: DecimalString | None
    allocation_ids: list[UUID]


class ConflictDetected(ConflictSnapshot):
    """A member is allocated beyond their capacity between two dates."""

    event_type: ClassVar[str] = "resources.conflict.detected"


class ConflictResolved(ConflictSnapshot):
    """An over-allocation ended: allocations or capacity changed, or an admin resolved it."""

    event_type: ClassVar[str] = "resources.conflict.resolved"


class CapacityProfileSnapshot(IntegrationEvent):
    profile_id: UUID
    workspace_id: UUID
    user_id: UUID
    hours_per_week: DecimalString
    role: str | None
    skills: list[str]
    is_active: bool


class CapacityProfileCreated(CapacityProfileSnapshot):
    """A member's capacity profile was created (when they joined, or by an admin)."""

    event_type: ClassVar[str] = "resources.capacity_profile.created"


class CapacityProfileUpdated(CapacityProfileSnapshot):
    """A capacity profile changed, or was deactivated or reactivated with its member."""

    event_type: ClassVar[str] = "resources.capacity_profile.updated"


class _Versioned(Protocol):
    id: UUID
    workspace_id: UUID
    version: int


async def _record(
    session: AsyncSession, row: _Versioned, data: IntegrationEvent, actor_id: UUID | None
) -> None:
    row.version += 1
    await outbox.add(
        session,
        data,
        subject=row.id,
        sequence=row.version,
        workspace_id=row.workspace_id,
        actor_id=actor_id,
    )


async def publish_allocation(
    session: AsyncSession,
    allocation: Allocation,
    event: type[AllocationSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    data = event(
        allocation_id=allocation.id,
        workspace_id=allocation.workspace_id,
        user_id=allocation.user_id,
        project_id=allocation.project_id,
        role=allocation.role,
        hours_per_week=decimal_string(allocation.hours_per_week),
        start_date=allocation.start_date,
        end_date=allocation.end_date,
    )
    await _record(session, allocation, data, actor_id)


async def publish_conflict(
    session: AsyncSession,
    conflict: Conflict,
    allocation_ids: list[UUID],
    event: type[ConflictSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    percent = conflict.over_allocation_percent
    data = event(
        conflict_id=conflict.id,
        workspace_id=conflict.workspace_id,
        user_id=conflict.user_id,
        start_date=conflict.start_date,
        end_date=conflict.end_date,
        capacity_hours_per_week=decimal_string(conflict.capacity_hours_per_week),
        allocated_hours_per_week=decimal_string(conflict.allocated_hours_per_week),
        over_allocation_percent=None if percent is None else decimal_string(percent),
        allocation_ids=sorted(allocation_ids),
    )
    await _record(session, conflict, data, actor_id)


async def publish_profile(
    session: AsyncSession,
    profile: CapacityProfile,
    event: type[CapacityProfileSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    data = event(
        profile_id=profile.id,
        workspace_id=profile.workspace_id,
        user_id=profile.user_id,
        hours_per_week=decimal_string(profile.hours_per_week),
        role=profile.role,
        skills=list(profile.skills),
        is_active=profile.is_active,
    )
    await _record(session, profile, data, actor_id)
