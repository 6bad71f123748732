"""`/workspaces/{ws}/projects/{pid}/issue-settings`: how a project's issues are worked on
here (project admins change it; whoever sees the project reads it)."""

from __future__ import annotations

from fastapi import APIRouter

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, ProjectAdmin, ProjectViewer
from worksync.common.errors import error_responses
from worksync.work_items.projects.repository import ProjectRepository
from worksync.work_items.projects.schemas import ProjectIssueSettings, ProjectIssueSettingsUpdate

router = APIRouter(prefix="/workspaces/{ws}/projects/{pid}/issue-settings", tags=["projects"])


@router.get("", response_model=ProjectIssueSettings, responses=DIRECTORY_ERRORS)
async def get_issue_settings(context: ProjectViewer, session: SessionDep) -> ProjectIssueSettings:
    """The project's settings (defaults until an admin changes them)."""
    allowed = await ProjectRepository(session).guests_may_comment(context.project.id)
    return ProjectIssueSettings(guests_may_comment=allowed)


@router.patch(
    "",
    response_model=ProjectIssueSettings,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def update_issue_settings(
    request: ProjectIssueSettingsUpdate, context: ProjectAdmin, session: SessionDep
) -> ProjectIssueSettings:
    """Change the project's settings (project admins); fields left out keep their value."""
    projects = ProjectRepository(session)
    allowed = await projects.guests_may_comment(context.project.id)
    if request.guests_may_comment is not None:
        allowed = request.guests_may_comment
        await projects.save_settings(
            context.workspace.workspace_id, context.project.id, guests_may_comment=allowed
        )
    return ProjectIssueSettings(guests_may_comment=allowed)
