"""`/workspaces/{ws}/time-tracking/settings`: the caller's time settings."""

from __future__ import annotations

from fastapi import APIRouter, Response

from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.timetracking.dependencies import UserSettingsServiceDep
from worksync.timetracking.user_settings.schemas import TimeSettings, TimeSettingsUpdate

router = APIRouter(prefix="/workspaces/{ws}/time-tracking/settings", tags=["settings"])


@router.get("", response_model=TimeSettings, responses=DIRECTORY_ERRORS)
async def get_settings(workspace: WorkspaceMember, service: UserSettingsServiceDep) -> Response:
    """The caller's settings and the time zone in effect."""
    settings = await service.get(workspace)
    return encoded(settings, etag=settings.version)


@router.put("", response_model=TimeSettings, responses={**DIRECTORY_ERRORS, **error_responses(422)})
async def put_settings(
    request: TimeSettingsUpdate,
    workspace: WorkspaceMember,
    service: UserSettingsServiceDep,
    if_match: IfMatch,
) -> Response:
    """Replace the caller's settings (`If-Match: "0"`: only if none are stored yet)."""
    settings = await service.replace(workspace, request, if_match)
    return encoded(settings, etag=settings.version)
