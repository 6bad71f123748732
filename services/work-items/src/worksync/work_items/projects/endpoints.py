"""`/workspaces/{ws}/projects/{pid}/issue-settings`: how a project's issues are worked on
here (project admins change it; whoever sees the project reads it)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, VIEWER_ERRORS, ProjectAdmin, ProjectViewer
from worksync.common.errors import error_responses
from worksync.common.preconditions import IfMatch, check_version
from worksync.common.responses import encoded
from worksync.work_items.projects.repository import ProjectRepository
from worksync.work_items.projects.schemas import ProjectIssueSettings, ProjectIssueSettingsUpdate

router = APIRouter(prefix="/workspaces/{ws}/projects/{pid}/issue-settings", tags=["projects"])


@router.get(
    "",
    response_model=ProjectIssueSettings,
    responses={**VIEWER_ERRORS, **error_responses(422)},
)
async def get_issue_settings(context: ProjectViewer, session: SessionDep) -> Response:
    """The project's settings (defaults until an admin changes them)."""
    projects = ProjectRepository(session)
    allowed = await projects.guests_may_comment(context.project.id)
    version = await projects.settings_version(context.project.id)
    return encoded(ProjectIssueSettings(guests_may_comment=allowed, version=version), etag=version)


@router.patch(
    "",
    response_model=ProjectIssueSettings,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def update_issue_settings(
    request: ProjectIssueSettingsUpdate,
    context: ProjectAdmin,
    session: SessionDep,
    if_match: IfMatch,
) -> Response:
    """Change the project's settings (project admins); fields left out keep their value."""
    projects = ProjectRepository(session)
    check_version(if_match, await projects.locked_settings_version(context.project.id))
    allowed = await projects.guests_may_comment(context.project.id)
    if request.guests_may_comment is not None and request.guests_may_comment != allowed:
        allowed = request.guests_may_comment
        await projects.save_settings(
            context.workspace.workspace_id, context.project.id, guests_may_comment=allowed
        )
    version = await projects.settings_version(context.project.id)
    return encoded(ProjectIssueSettings(guests_may_comment=allowed, version=version), etag=version)
