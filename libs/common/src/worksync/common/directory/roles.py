"""Workspace and project roles, ordered from least to most privileged, and a membership."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


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


@dataclass(frozen=True)
class Membership:
    """A user's live membership of a workspace, as the directory knows it."""

    workspace_id: UUID
    slug: str
    user_id: UUID
    role: WorkspaceRole
