"""Rows -> the events of `published.py`, recorded in the outbox in the caller's transaction.

Recording an event makes the change its row's next `version`, which is the event's sequence.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.outbox import EventRecorder
from worksync.common.fields import money_text
from worksync.resources.messaging.published import (
    AllocationSnapshot,
    CapacityProfileSnapshot,
    ConflictSnapshot,
    MilestoneDependencySnapshot,
    MilestoneSnapshot,
    outbox,
)
from worksync.resources.models import (
    Allocation,
    CapacityProfile,
    Conflict,
    Milestone,
    MilestoneDependency,
)

recorder = EventRecorder(outbox)


async def record_allocation(
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
        hours_per_week=money_text(allocation.hours_per_week),
        start_date=allocation.start_date,
        end_date=allocation.end_date,
    )
    await recorder.record(
        session, allocation, data, workspace_id=allocation.workspace_id, actor_id=actor_id
    )


async def record_conflict(
    session: AsyncSession,
    conflict: Conflict,
    event: type[ConflictSnapshot],
    *,
    allocation_ids: Iterable[UUID],
    actor_id: UUID | None,
) -> None:
    data = event(
        conflict_id=conflict.id,
        workspace_id=conflict.workspace_id,
        user_id=conflict.user_id,
        start_date=conflict.start_date,
        end_date=conflict.end_date,
        capacity_hours_per_week=money_text(conflict.capacity_hours_per_week),
        allocated_hours_per_week=money_text(conflict.allocated_hours_per_week),
        over_allocation_percent=money_text(conflict.over_allocation_percent),
        allocation_ids=sorted(allocation_ids),
    )
    await recorder.record(
        session, conflict, data, workspace_id=conflict.workspace_id, actor_id=actor_id
    )


async def record_profile(
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
        hours_per_week=money_text(profile.hours_per_week),
        role=profile.role,
        skills=list(profile.skills),
        is_active=profile.is_active,
    )
    await recorder.record(
        session, profile, data, workspace_id=profile.workspace_id, actor_id=actor_id
    )


async def record_milestone(
    session: AsyncSession,
    milestone: Milestone,
    event: type[MilestoneSnapshot],
    *,
    dependencies: Iterable[MilestoneDependency],
    actor_id: UUID | None,
) -> None:
    data = event(
        milestone_id=milestone.id,
        workspace_id=milestone.workspace_id,
        project_id=milestone.project_id,
        title=milestone.title,
        status=milestone.status,
        priority=milestone.priority,
        start_date=milestone.start_date,
        due_date=milestone.due_date,
        progress=milestone.progress,
        assignee_ids=list(milestone.assignee_ids),
        issue_ids=list(milestone.issue_ids),
        depends_on=[
            MilestoneDependencySnapshot(depends_on_id=d.depends_on_id, lag_days=d.lag_days)
            for d in dependencies
        ],
        completed_at=milestone.completed_at,
    )
    await recorder.record(
        session, milestone, data, workspace_id=milestone.workspace_id, actor_id=actor_id
    )
