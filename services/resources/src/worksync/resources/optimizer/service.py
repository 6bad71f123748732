"""The optimiser over the database: reads the workspace's allocations, profiles, time off
and staff skills, runs the pure planner (`planning.py`) in a process of its own
(`solving.py`) with the configured time limit, and answers with the proposal. Nothing is
written: the proposal is applied, if at all, through the bulk allocations endpoint."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import cast
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.resources.conflicts.detection import Availability
from worksync.resources.models import Allocation, CapacityProfile, TimeOff
from worksync.resources.optimizer import planning, solving
from worksync.resources.optimizer.schemas import (
    OptimizationRequest,
    OptimizationResult,
    ProposalStatus,
    ProposedBulk,
    ProposedChange,
    ProposedDelete,
    ProposedUpdate,
    UnresolvedConflict,
)
from worksync.resources.staff_skills.repository import StaffSkillsRepository


class OptimizerService:
    def __init__(self, session: AsyncSession, time_limit_seconds: float) -> None:
        self.session = session
        self.time_limit_seconds = time_limit_seconds

    async def propose(
        self, context: WorkspaceContext, request: OptimizationRequest
    ) -> OptimizationResult:
        workspace_id = context.workspace_id
        allocations = await self._allocations(workspace_id, request.start_date, request.end_date)
        people = await self._people(workspace_id)
        options = planning.Options(
            allow_reductions=request.allow_reductions,
            allow_other_skills=request.allow_other_skills,
            time_limit_seconds=self.time_limit_seconds,
        )
        plan = await solving.solve(
            people, allocations, request.start_date, request.end_date, options
        )
        return _result(request, plan)

    async def _allocations(
        self, workspace_id: UUID, first: date, last: date
    ) -> list[planning.Allocation]:
        """Every allocation overlapping the span of those overlapping [first, last]: a
        moved allocation must fit its new member over all of its days."""
        overlapping = (Allocation.workspace_id == workspace_id,)
        span = (
            await self.session.execute(
                select(func.min(Allocation.start_date), func.max(Allocation.end_date)).where(
                    *overlapping, Allocation.end_date >= first, Allocation.start_date <= last
                )
            )
        ).one()
        earliest, latest = cast("tuple[date | None, date | None]", tuple(span))
        if earliest is None or latest is None:
            return []
        rows = await self.session.scalars(
            select(Allocation).where(
                *overlapping, Allocation.end_date >= earliest, Allocation.start_date <= latest
            )
        )
        return [
            planning.Allocation(
                allocation_id=row.id,
                user_id=row.user_id,
                project_id=row.project_id,
                role=row.role,
                hours_per_week=row.hours_per_week,
                start_date=row.start_date,
                end_date=row.end_date,
            )
            for row in rows
        ]

    async def _people(self, workspace_id: UUID) -> dict[UUID, planning.Person]:
        """Members with a profile (the inactive ones are no candidates), their skills the
        profile's and their staff profile's; members without one count with the default
        capacity and their staff profile's skills (if any), and are no candidates either,
        as before staff profiles had skills."""
        periods: defaultdict[UUID, list[tuple[date, date]]] = defaultdict(list)
        for row in await self.session.execute(
            select(TimeOff.profile_id, TimeOff.start_date, TimeOff.end_date)
            .join(CapacityProfile, CapacityProfile.id == TimeOff.profile_id)
            .where(CapacityProfile.workspace_id == workspace_id)
            .order_by(TimeOff.start_date)
        ):
            periods[row.profile_id].append((row.start_date, row.end_date))
        profiles = await self.session.scalars(
            select(CapacityProfile).where(CapacityProfile.workspace_id == workspace_id)
        )
        skills = await StaffSkillsRepository(self.session).skills_by_user(workspace_id)
        # Owners known only from their staff profile: what their allocations need.
        people = {
            user_id: planning.Person(
                user_id=user_id,
                availability=planning.DEFAULT_AVAILABILITY,
                skills=_casefolded(names),
                active=False,
            )
            for user_id, names in skills.items()
        }
        people |= {
            profile.user_id: planning.Person(
                user_id=profile.user_id,
                availability=Availability(
                    profile.hours_per_week,
                    frozenset(profile.working_days),
                    tuple(periods[profile.id]),
                ),
                skills=_casefolded([*profile.skills, *skills.get(profile.user_id, [])]),
                role=profile.role,
                active=profile.is_active,
            )
            for profile in profiles
        }
        return people


def _casefolded(skills: list[str]) -> frozenset[str]:
    return frozenset(skill.casefold() for skill in skills)


def _result(request: OptimizationRequest, plan: planning.Plan) -> OptimizationResult:
    operations: list[ProposedUpdate | ProposedDelete] = [
        ProposedDelete(id=change.allocation_id)
        if change.to_hours == 0
        else ProposedUpdate(
            id=change.allocation_id, user_id=change.to_user_id, hours_per_week=change.to_hours
        )
        for change in plan.changes
    ]
    return OptimizationResult(
        start_date=request.start_date,
        end_date=request.end_date,
        status=ProposalStatus(plan.status.value),
        objective=plan.objective,
        conflicts=plan.conflicts,
        changes=[
            ProposedChange(
                allocation_id=change.allocation_id,
                project_id=change.project_id,
                user_id=change.from_user_id,
                new_user_id=None if change.to_user_id == change.from_user_id else change.to_user_id,
                hours_per_week=change.from_hours,
                new_hours_per_week=change.to_hours,
            )
            for change in plan.changes
        ],
        hours_moved=plan.hours_moved,
        hours_reduced=plan.hours_reduced,
        unresolved=[
            UnresolvedConflict(
                user_id=left.user_id,
                start_date=left.overbooking.start_date,
                end_date=left.overbooking.end_date,
                capacity_hours_per_week=left.overbooking.capacity_hours_per_week,
                allocated_hours_per_week=left.overbooking.allocated_hours_per_week,
                allocation_ids=sorted(left.overbooking.allocation_ids),
                reason=left.reason,
            )
            for left in plan.unresolved
        ],
        bulk=ProposedBulk(operations=operations),
    )
