"""Who may write comments and reactions: project members and admins, and the project's
guests where a project admin allowed it (`issue-settings`); anyone who sees the project
reads them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from worksync.common.db import SessionDep
from worksync.common.directory import ProjectContext, ProjectRole, ProjectViewer
from worksync.common.roles import InsufficientRole
from worksync.work_items.projects.repository import ProjectRepository


async def _commenter(context: ProjectViewer, session: SessionDep) -> ProjectContext:
    role = context.project.role
    if role is not None and role.at_least(ProjectRole.MEMBER):
        return context
    if role is ProjectRole.GUEST and await ProjectRepository(session).guests_may_comment(
        context.project.id
    ):
        return context
    raise InsufficientRole(ProjectRole.MEMBER.value)


ProjectCommenter = Annotated[ProjectContext, Depends(_commenter)]
