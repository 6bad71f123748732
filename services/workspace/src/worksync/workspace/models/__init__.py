"""Every table of the workspace schema, one module per aggregate family."""

from worksync.workspace.models.base import SCHEMA, Base, idempotency_keys, messaging
from worksync.workspace.models.departments import Department, DepartmentProjectGrant
from worksync.workspace.models.projects import (
    Client,
    Project,
    ProjectCategory,
    ProjectMembership,
)
from worksync.workspace.models.staff import StaffProfile, StaffTransfer
from worksync.workspace.models.teams import ProjectTeam, Team, TeamMembership
from worksync.workspace.models.users import User
from worksync.workspace.models.workspaces import Invitation, Membership, Workspace

__all__ = [
    "SCHEMA",
    "Base",
    "Client",
    "Department",
    "DepartmentProjectGrant",
    "Invitation",
    "Membership",
    "Project",
    "ProjectCategory",
    "ProjectMembership",
    "ProjectTeam",
    "StaffProfile",
    "StaffTransfer",
    "Team",
    "TeamMembership",
    "User",
    "Workspace",
    "idempotency_keys",
    "messaging",
]
