"""Workspace and project roles, ordered from least to most privileged: one vocabulary for the
workspace service, which grants them, and every service that checks them."""

from __future__ import annotations

from enum import StrEnum

from worksync.common.errors import Forbidden


class WorkspaceRole(StrEnum):
    # Declared from least to most privileged: the order is what `at_least` compares.
    GUEST = "guest"
    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"

    def at_least(self, required: WorkspaceRole) -> bool:
        order = list(WorkspaceRole)
        return order.index(self) >= order.index(required)

    @property
    def administers(self) -> bool:
        """Owners and admins are implicitly admins of every project of the workspace."""
        return self.at_least(WorkspaceRole.ADMIN)


class ProjectRole(StrEnum):
    # Declared from least to most privileged, as above.
    GUEST = "guest"
    MEMBER = "member"
    ADMIN = "admin"

    def at_least(self, required: ProjectRole) -> bool:
        order = list(ProjectRole)
        return order.index(self) >= order.index(required)


class ProjectVisibility(StrEnum):
    """Who sees a project (Plane's network: public / secret)."""

    # Every workspace member; guests only as project members.
    PUBLIC = "public"
    # Only its project members and the workspace's owners and admins.
    PRIVATE = "private"


class InsufficientRole(Forbidden):
    def __init__(self, required: str) -> None:
        super().__init__(f"This needs the role {required} or higher", code="insufficient_role")


def effective_project_role(
    workspace_role: WorkspaceRole, member_role: ProjectRole | None
) -> ProjectRole | None:
    return ProjectRole.ADMIN if workspace_role.administers else member_role


def sees_project(
    workspace_role: WorkspaceRole, visibility: ProjectVisibility, member_role: ProjectRole | None
) -> bool:
    """Whether a workspace member with `member_role` in a project (None: not a member of it)
    sees it: owners and admins every project, project members theirs, other members the
    public ones, guests nothing else."""
    if effective_project_role(workspace_role, member_role) is not None:
        return True
    return workspace_role is not WorkspaceRole.GUEST and visibility is ProjectVisibility.PUBLIC
