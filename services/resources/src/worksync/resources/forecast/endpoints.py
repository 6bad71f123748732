"""`/workspaces/{ws}/capacity-forecast`: capacity, allocated and free hours per member and
skill for the coming weeks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from worksync.common.clock import NowDep
from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.fields import Skill
from worksync.common.responses import encoded
from worksync.resources.dependencies import ForecastServiceDep
from worksync.resources.forecast.schemas import CapacityForecast
from worksync.resources.forecast.service import MAX_WEEKS

router = APIRouter(prefix="/workspaces/{ws}/capacity-forecast", tags=["capacity forecast"])


@router.get(
    "",
    response_model=CapacityForecast,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_capacity_forecast(
    context: WorkspaceMember,
    service: ForecastServiceDep,
    now: NowDep,
    weeks: Annotated[
        int, Query(ge=1, le=MAX_WEEKS, description="Weeks from the current one on")
    ] = 12,
    skill: Annotated[Skill | None, Query(description="Only members with this skill")] = None,
) -> Response:
    """Per member and per skill, per week: capacity, allocated and free hours (admins see
    every member, members themselves)."""
    # Built as plain JSON values, as `CapacityForecast` would serialise (its model stays the
    # documented answer).
    return encoded(await service.forecast(context, today=now.date(), weeks=weeks, skill=skill))
