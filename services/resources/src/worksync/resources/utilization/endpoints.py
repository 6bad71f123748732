"""`/workspaces/{ws}/utilization`: capacity, allocated and actual hours per member and period."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.resources.dependencies import UtilizationServiceDep
from worksync.resources.fields import Day
from worksync.resources.utilization.schemas import Granularity, UtilizationReport

router = APIRouter(prefix="/workspaces/{ws}/utilization", tags=["utilization"])


@router.get(
    "",
    response_model=UtilizationReport,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_utilization(
    context: WorkspaceMember,
    service: UtilizationServiceDep,
    from_date: Annotated[Day, Query(alias="from", description="First day, included")],
    to_date: Annotated[Day, Query(alias="to", description="Last day, included (≤ 1 year)")],
    granularity: Granularity = Granularity.WEEK,
    user_id: Annotated[UUID | None, Query(description="One member")] = None,
) -> UtilizationReport:
    """Utilization per member and week or month: admins see everyone, members themselves."""
    return await service.report(
        context,
        from_date=from_date,
        to_date=to_date,
        granularity=granularity,
        user_id=user_id,
    )
