"""The closed vocabularies of the workspace context: roles, project states, settings choices.

The database checks the same values (see `models`), and the API and events publish them.
"""

from __future__ import annotations

from enum import StrEnum


class WorkspaceRole(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    GUEST = "guest"

    def at_least(self, minimum: WorkspaceRole) -> bool:
        return _WORKSPACE_RANK[self] >= _WORKSPACE_RANK[minimum]


_WORKSPACE_RANK = {
    WorkspaceRole.GUEST: 0,
    WorkspaceRole.MEMBER: 1,
    WorkspaceRole.ADMIN: 2,
    WorkspaceRole.OWNER: 3,
}


class InvitationRole(StrEnum):
    """Roles an invitation may grant; owners are made by promoting a member."""

    ADMIN = "admin"
    MEMBER = "member"
    GUEST = "guest"


class ProjectRole(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    GUEST = "guest"


class ProjectStatus(StrEnum):
    PLANNING = "planning"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ProjectPriority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class WeekStart(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


class RoundingMode(StrEnum):
    UP = "up"
    DOWN = "down"
    NEAREST = "nearest"


class RoundingAppliesTo(StrEnum):
    BEGIN = "begin"
    END = "end"
    DURATION = "duration"


class TimesheetPeriod(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
