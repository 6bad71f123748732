"""The events the resources service publishes (the `data` of their CloudEvents) and its
outbox; `recording` turns rows into them.

Each event's subject is the id of the row it describes and its sequence that row's
`version`: allocations (deletion is a version too), conflicts, capacity profiles and
milestones. Every
verb carries the whole state, so consumers apply newest-wins.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import BaseModel, Field

from worksync.common.events.envelope import IntegrationEvent
from worksync.common.events.outbox import Outbox
from worksync.common.fields import MoneyText
from worksync.resources.models import messaging

SOURCE = "worksync/resources"

outbox = Outbox(messaging.outbox, source=SOURCE)

# Hours and percentages travel as money does: decimal strings with two places.
DecimalString = Annotated[MoneyText, Field(examples=["40.00"])]


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


class MilestoneDependencySnapshot(BaseModel):
    depends_on_id: UUID
    lag_days: int


class MilestoneSnapshot(IntegrationEvent):
    milestone_id: UUID
    workspace_id: UUID
    project_id: UUID
    title: str
    status: str
    priority: str
    start_date: date
    due_date: date
    # 0-100: derived from the linked issues when any count, else set by hand.
    progress: int
    assignee_ids: list[UUID]
    issue_ids: list[UUID]
    depends_on: list[MilestoneDependencySnapshot]
    completed_at: datetime | None


class MilestoneCreated(MilestoneSnapshot):
    """A milestone was added to a project."""

    event_type: ClassVar[str] = "resources.milestone.created"


class MilestoneUpdated(MilestoneSnapshot):
    """A milestone changed: its fields, its dependencies, or its progress (linked issues)."""

    event_type: ClassVar[str] = "resources.milestone.updated"


class MilestoneDeleted(MilestoneSnapshot):
    """A milestone was deleted; carries its last state."""

    event_type: ClassVar[str] = "resources.milestone.deleted"
