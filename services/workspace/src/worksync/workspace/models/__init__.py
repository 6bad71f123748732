"""Every table of the workspace schema, one module per aggregate family.

Departments and staff profiles will get modules of their own here.
"""

from worksync.workspace.models.base import SCHEMA, Base, idempotency_keys, messaging
from worksync.workspace.models.projects import (
    Client,
    Project,
    ProjectCategory,
    ProjectMembership,
)
from worksync.workspace.models.teams import ProjectTeam, Team, TeamMembership
from worksync.workspace.models.users import User
from worksync.workspace.models.workspaces import Invitation, Membership, Workspace

__all__ = [
    "SCHEMA",
    "Base",
    "Client",
    "Invitation",
    "Membership",
    "Project",
    "ProjectCategory",
    "ProjectMembership",
    "ProjectTeam",
    "Team",
    "TeamMembership",
    "User",
    "Workspace",
    "idempotency_keys",
    "messaging",
]
