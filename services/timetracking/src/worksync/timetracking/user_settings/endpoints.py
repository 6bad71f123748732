"""`/workspaces/{ws}/time-tracking/settings`: the caller's time settings."""

from __future__ import annotations

from fastapi import APIRouter

from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.timetracking.dependencies import UserSettingsServiceDep
from worksync.timetracking.user_settings.schemas import TimeSettings, TimeSettingsUpdate

router = APIRouter(prefix="/workspaces/{ws}/time-tracking/settings", tags=["settings"])


@router.get("", response_model=TimeSettings, responses=DIRECTORY_ERRORS)
async def get_settings(workspace: WorkspaceMember, service: UserSettingsServiceDep) -> TimeSettings:
    """The caller's settings and the time zone in effect."""
    return await service.get(workspace)


@router.put("", response_model=TimeSettings, responses={**DIRECTORY_ERRORS, **error_responses(422)})
async def put_settings(
    request: TimeSettingsUpdate, workspace: WorkspaceMember, service: UserSettingsServiceDep
) -> TimeSettings:
    """Replace the caller's settings."""
    return await service.replace(workspace, request)
