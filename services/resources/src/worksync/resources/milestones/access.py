"""Who plans and who reads a project's milestones.

Planning (milestones, dependencies, deliverables) is for workspace admins and the project's
leads; the directory's project role `admin` is the closest to a lead, so project admins
plan. Members of the project read. Both guards first require a workspace member (guests
get 403 from every route of this service), then resolve `{pid}` in `{ws}` (404 for another
workspace's project) and check the project role (403).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path

from worksync.common.db import SessionDep
from worksync.common.directory import DirectoryDep, ProjectContext, WorkspaceMember
from worksync.common.roles import ProjectRole


def _project_with(at_least: ProjectRole) -> Callable[..., Awaitable[ProjectContext]]:
    async def resolve(
        pid: Annotated[UUID, Path(description="The project's id")],
        context: WorkspaceMember,
        session: SessionDep,
        directory: DirectoryDep,
    ) -> ProjectContext:
        project = await directory.project(
            session, context.membership, pid, context.authorization, at_least=at_least
        )
        return ProjectContext(workspace=context, project=project)

    return resolve


ProjectReader = Annotated[ProjectContext, Depends(_project_with(ProjectRole.MEMBER))]
ProjectPlanner = Annotated[ProjectContext, Depends(_project_with(ProjectRole.ADMIN))]
