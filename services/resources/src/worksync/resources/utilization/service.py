"""Utilization per member and period: capacity, allocated and actual hours.

Admins see every member; members see only themselves (asking for another member is 403).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.common.errors import invalid_field
from worksync.common.roles import InsufficientRole, WorkspaceRole
from worksync.resources.utilization.repository import UtilizationRepository
from worksync.resources.utilization.schemas import (
    Granularity,
    UtilizationPeriod,
    UtilizationReport,
)

MAX_DAYS = 366


class UtilizationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.reports = UtilizationRepository(session)

    async def report(
        self,
        context: WorkspaceContext,
        *,
        from_date: date,
        to_date: date,
        granularity: Granularity,
        user_id: UUID | None,
    ) -> UtilizationReport:
        if to_date < from_date:
            raise invalid_field("to", "must not be before from")
        if (to_date - from_date).days + 1 > MAX_DAYS:
            raise invalid_field("to", "the range may span one year at most")
        if not context.role.at_least(WorkspaceRole.ADMIN):
            if user_id not in (None, context.user_id):
                raise InsufficientRole(WorkspaceRole.ADMIN.value)
            user_id = context.user_id
        rows = await self.reports.report(
            workspace_id=context.workspace_id,
            user_id=user_id,
            from_date=from_date,
            to_date=to_date,
            granularity=granularity.value,
            week_start=await self.reports.week_start(context.workspace_id),
        )
        return UtilizationReport(
            from_date=from_date,
            to_date=to_date,
            granularity=granularity,
            items=[UtilizationPeriod.model_validate(row, from_attributes=True) for row in rows],
        )
