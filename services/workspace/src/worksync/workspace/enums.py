"""The closed vocabularies of the workspace context: project states, settings choices, the
roles an invitation grants. Workspace and project roles are the kit's
(`worksync.common.roles`): every service checks the roles this one grants.

The database checks the same values (see `models`), and the API and events publish them.
"""

from __future__ import annotations

from enum import StrEnum


class InvitationRole(StrEnum):
    """Roles an invitation may grant; owners are made by promoting a member."""

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


class RoundingPlace(StrEnum):
    """Where a rounding rule rounds: the begin, the end, the worked duration."""

    BEGIN = "begin"
    END = "end"
    DURATION = "duration"


class TimesheetPeriod(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class ProjectMembershipSource(StrEnum):
    """Who made a project membership: a person, or a department's auto-sync (which may
    end it again; it never ends a manual one)."""

    MANUAL = "manual"
    DEPARTMENT = "department"


class EmploymentStatus(StrEnum):
    ACTIVE = "active"
    PROBATION = "probation"
    RESIGNED = "resigned"
    SUSPENDED = "suspended"
    # Moved to another organisation (a move between departments is a transfer, which
    # leaves the status alone).
    TRANSFERRED = "transferred"


# Staff who count as the department's people: counted in the tree, keep their department
# from being deleted, may be transferred. The other statuses end department management.
ACTIVE_EMPLOYMENT_STATUSES = (EmploymentStatus.ACTIVE, EmploymentStatus.PROBATION)
