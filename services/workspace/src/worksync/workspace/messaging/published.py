"""The events the workspace service publishes (the `data` of their CloudEvents), and its outbox.

Each event's subject is the id of the row it describes and its sequence that row's
`version`: workspaces, memberships, projects, project memberships, clients, teams (whose
member events count in the team's sequence), departments and staff profiles. Membership rows are
never deleted, so a member's sequence keeps rising across removal and re-adding and
consumers may apply newest-wins.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from worksync.common.events.envelope import IntegrationEvent
from worksync.common.events.outbox import Outbox
from worksync.common.fields import MoneyText
from worksync.common.roles import ProjectRole, ProjectVisibility, WorkspaceRole
from worksync.workspace.enums import (
    EmploymentStatus,
    ProjectPriority,
    ProjectStatus,
    TimesheetPeriod,
    WeekStart,
)
from worksync.workspace.models import messaging
from worksync.workspace.rounding import RoundingRule

SOURCE = "worksync/workspace"

outbox = Outbox(messaging.outbox, source=SOURCE)


class WorkspaceSnapshot(IntegrationEvent):
    """The workspace and its settings, as every workspace event carries them."""

    workspace_id: UUID
    slug: str
    name: str
    owner_id: UUID
    timezone: str
    week_start: WeekStart
    working_hours_per_day: float
    currency: str
    rounding: RoundingRule
    lockdown_date: date | None
    timesheet_period: TimesheetPeriod


class WorkspaceCreated(WorkspaceSnapshot):
    """A workspace was created."""

    event_type: ClassVar[str] = "workspace.workspace.created"


class WorkspaceUpdated(WorkspaceSnapshot):
    """A workspace's name, owner or settings changed; carries them all."""

    event_type: ClassVar[str] = "workspace.workspace.updated"


class WorkspaceDeleted(WorkspaceSnapshot):
    """A workspace was deleted; its members were removed just before (`member.removed`)."""

    event_type: ClassVar[str] = "workspace.workspace.deleted"


class MemberSnapshot(IntegrationEvent):
    workspace_id: UUID
    user_id: UUID
    role: WorkspaceRole
    email: str
    display_name: str


class MemberAdded(MemberSnapshot):
    """A user joined a workspace (created it, was added, accepted an invitation, or rejoined)."""

    event_type: ClassVar[str] = "workspace.member.added"


class MemberUpdated(MemberSnapshot):
    """A member's role, email or display name changed."""

    event_type: ClassVar[str] = "workspace.member.updated"


class MemberRemoved(MemberSnapshot):
    """A member left or was removed; `role` is the role they held."""

    event_type: ClassVar[str] = "workspace.member.removed"


class ProjectSnapshot(IntegrationEvent):
    """A project as every project event carries it; money as decimal strings."""

    project_id: UUID
    workspace_id: UUID
    identifier: str
    name: str
    status: ProjectStatus
    priority: ProjectPriority
    is_time_tracking_enabled: bool
    visibility: ProjectVisibility
    currency: str
    default_hourly_rate: MoneyText | None
    budget_amount: MoneyText | None
    budget_hours: float | None
    start_date: date | None
    end_date: date | None
    lead_id: UUID | None
    client_id: UUID | None
    department_id: UUID | None
    # The project's own rounding rule; null: its workspace's applies.
    rounding: RoundingRule | None = None
    archived_at: datetime | None


class ProjectCreated(ProjectSnapshot):
    """A project was created."""

    event_type: ClassVar[str] = "workspace.project.created"


class ProjectUpdated(ProjectSnapshot):
    """A project's fields changed."""

    event_type: ClassVar[str] = "workspace.project.updated"


class ProjectArchived(ProjectSnapshot):
    """A project was archived: read-only for time tracking and planning."""

    event_type: ClassVar[str] = "workspace.project.archived"


class ProjectUnarchived(ProjectSnapshot):
    """An archived project is in use again."""

    event_type: ClassVar[str] = "workspace.project.unarchived"


class ProjectDeleted(ProjectSnapshot):
    """A project was deleted; its memberships were removed just before."""

    event_type: ClassVar[str] = "workspace.project.deleted"


class ProjectMemberSnapshot(IntegrationEvent):
    project_id: UUID
    workspace_id: UUID
    user_id: UUID
    role: ProjectRole
    hourly_rate: MoneyText | None


class ProjectMemberAdded(ProjectMemberSnapshot):
    """A workspace member joined a project."""

    event_type: ClassVar[str] = "workspace.project_member.added"


class ProjectMemberUpdated(ProjectMemberSnapshot):
    """A project member's role or hourly rate changed."""

    event_type: ClassVar[str] = "workspace.project_member.updated"


class ProjectMemberRemoved(ProjectMemberSnapshot):
    """A member left a project or was removed from it."""

    event_type: ClassVar[str] = "workspace.project_member.removed"


class ClientSnapshot(IntegrationEvent):
    """A client of the workspace (who projects are done for; projects name it by
    `client_id`)."""

    client_id: UUID
    workspace_id: UUID
    name: str


class ClientCreated(ClientSnapshot):
    """A client was created."""

    event_type: ClassVar[str] = "workspace.client.created"


class ClientUpdated(ClientSnapshot):
    """A client was renamed (or its description changed)."""

    event_type: ClassVar[str] = "workspace.client.updated"


class ClientDeleted(ClientSnapshot):
    """A client was deleted (no live project referred to it); carries its last name."""

    event_type: ClassVar[str] = "workspace.client.deleted"


class TeamSnapshot(IntegrationEvent):
    team_id: UUID
    workspace_id: UUID
    name: str
    lead_id: UUID | None


class TeamCreated(TeamSnapshot):
    """A team was created."""

    event_type: ClassVar[str] = "workspace.team.created"


class TeamUpdated(TeamSnapshot):
    """A team's name or lead changed."""

    event_type: ClassVar[str] = "workspace.team.updated"


class TeamDeleted(TeamSnapshot):
    """A team was deleted, and with it its memberships and project assignments."""

    event_type: ClassVar[str] = "workspace.team.deleted"


class TeamMemberSnapshot(TeamSnapshot):
    user_id: UUID
    allocation_percent: int


class TeamMemberAdded(TeamMemberSnapshot):
    """A workspace member joined a team."""

    event_type: ClassVar[str] = "workspace.team.member_added"


class TeamMemberUpdated(TeamMemberSnapshot):
    """A team member's allocation changed."""

    event_type: ClassVar[str] = "workspace.team.member_updated"


class TeamMemberRemoved(TeamMemberSnapshot):
    """A member left a team; `allocation_percent` is the one they had."""

    event_type: ClassVar[str] = "workspace.team.member_removed"


class DepartmentSnapshot(IntegrationEvent):
    department_id: UUID
    workspace_id: UUID
    name: str
    code: str
    short_name: str
    dept_code: str
    parent_id: UUID | None
    level: int
    manager_id: UUID | None
    linked_project_id: UUID | None
    is_active: bool


class DepartmentCreated(DepartmentSnapshot):
    """A department was created."""

    event_type: ClassVar[str] = "workspace.department.created"


class DepartmentUpdated(DepartmentSnapshot):
    """A department's fields changed; also sent to the descendants of a moved department
    whose level changed with it."""

    event_type: ClassVar[str] = "workspace.department.updated"


class DepartmentMoved(DepartmentSnapshot):
    """A department got another parent (its other fields may have changed too)."""

    event_type: ClassVar[str] = "workspace.department.moved"


class DepartmentDeleted(DepartmentSnapshot):
    """A department was deleted (it can be restored)."""

    event_type: ClassVar[str] = "workspace.department.deleted"


class DepartmentRestored(DepartmentSnapshot):
    """A deleted department is back."""

    event_type: ClassVar[str] = "workspace.department.restored"


class StaffSnapshot(IntegrationEvent):
    """A staff profile, without its private fields (phone, notes). `skills` are the kit's
    `Skills` (trimmed, each once ignoring case), which resources' capacity forecast reads."""

    staff_profile_id: UUID
    workspace_id: UUID
    user_id: UUID
    staff_id: str
    department_id: UUID | None
    position: str | None
    job_grade: str | None
    employment_status: EmploymentStatus
    is_department_manager: bool
    date_of_joining: date | None
    date_of_leaving: date | None
    # Added after the first staff events: a default keeps the change additive for readers
    # of the catalogue; every event recorded now carries it.
    skills: list[str] = []


class StaffCreated(StaffSnapshot):
    """A staff profile was created (one by one or by a bulk import)."""

    event_type: ClassVar[str] = "workspace.staff.created"


class StaffUpdated(StaffSnapshot):
    """A staff profile's fields changed, or whether the user manages a department."""

    event_type: ClassVar[str] = "workspace.staff.updated"


class StaffTransferred(StaffSnapshot):
    """A staff member moved to another department."""

    event_type: ClassVar[str] = "workspace.staff.transferred"


class StaffDeactivated(StaffSnapshot):
    """A staff member resigned or was suspended."""

    event_type: ClassVar[str] = "workspace.staff.deactivated"


class StaffDeleted(StaffSnapshot):
    """A staff profile was deleted."""

    event_type: ClassVar[str] = "workspace.staff.deleted"
