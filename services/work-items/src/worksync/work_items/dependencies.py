"""FastAPI dependencies: the caller's project (set up here on first use), the request's
clock, and the services.

Every project-scoped endpoint resolves `{ws}` and `{pid}` through the directory first, so
a foreign workspace or project is a 404 whatever the rest of the request holds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from worksync.common.db import SessionDep
from worksync.common.directory import Directory, ProjectContext, ProjectRole, project_context
from worksync.work_items.issues.service import IssueService
from worksync.work_items.labels.service import LabelService
from worksync.work_items.projects.service import ensure_project_set_up
from worksync.work_items.states.service import StateService


def utc_now() -> datetime:
    """One timestamp per request, so that everything a request writes agrees."""
    return datetime.now(UTC)


NowDep = Annotated[datetime, Depends(utc_now)]


def project_access(
    at_least: ProjectRole | None = None,
) -> Callable[..., Awaitable[ProjectContext]]:
    """Project `{pid}` as the caller may see it (holding `at_least`), set up here."""

    resolved = Depends(project_context(at_least))

    async def set_up_project(
        session: SessionDep, context: ProjectContext = resolved
    ) -> ProjectContext:
        await ensure_project_set_up(session, context.project.workspace_id, context.project.id)
        return context

    return set_up_project


# Anyone who sees the project reads; project members and admins write (workspace guests
# are project guests at most); project admins administer.
ProjectReader = Annotated[ProjectContext, Depends(project_access())]
ProjectMember = Annotated[ProjectContext, Depends(project_access(ProjectRole.MEMBER))]
ProjectAdmin = Annotated[ProjectContext, Depends(project_access(ProjectRole.ADMIN))]


def get_state_service(session: SessionDep) -> StateService:
    return StateService(session)


def get_directory(request: Request) -> Directory:
    directory: Directory = request.app.state.directory
    return directory


DirectoryDep = Annotated[Directory, Depends(get_directory)]


def get_issue_service(session: SessionDep, directory: DirectoryDep) -> IssueService:
    return IssueService(session, directory)


def get_label_service(session: SessionDep) -> LabelService:
    return LabelService(session)


StateServiceDep = Annotated[StateService, Depends(get_state_service)]
IssueServiceDep = Annotated[IssueService, Depends(get_issue_service)]
LabelServiceDep = Annotated[LabelService, Depends(get_label_service)]
