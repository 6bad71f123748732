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


class InsufficientRole(Forbidden):
    def __init__(self, required: str) -> None:
        super().__init__(f"This needs the role {required} or higher", code="insufficient_role")


def effective_project_role(
    workspace_role: WorkspaceRole, member_role: ProjectRole | None
) -> ProjectRole | None:
    return ProjectRole.ADMIN if workspace_role.administers else member_role
