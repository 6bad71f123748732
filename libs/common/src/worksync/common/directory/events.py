"""The directory's copies of the workspace events it reads (the fields it keeps only).

Every verb of an aggregate carries the aggregate's whole state; the envelope's `sequence`
is the producer's row version, which keeps rising across removal and re-addition.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel

from worksync.common.events.envelope import IntegrationEvent
from worksync.common.roles import ProjectRole, ProjectVisibility, WorkspaceRole


class RoundingStep(BaseModel):
    step_minutes: int
    mode: str


class RoundingRule(BaseModel):
    """A rounding rule: for each place a step, or null where nothing is rounded."""

    begin: RoundingStep | None = None
    end: RoundingStep | None = None
    duration: RoundingStep | None = None


class WorkspaceState(IntegrationEvent):
    workspace_id: UUID
    slug: str
    name: str
    timezone: str
    week_start: str
    working_hours_per_day: Decimal
    currency: str
    rounding: RoundingRule | None = None
    lockdown_date: date | None = None
    timesheet_period: str


class WorkspaceCreated(WorkspaceState):
    event_type: ClassVar[str] = "workspace.workspace.created"


class WorkspaceUpdated(WorkspaceState):
    event_type: ClassVar[str] = "workspace.workspace.updated"


class WorkspaceDeleted(WorkspaceState):
    event_type: ClassVar[str] = "workspace.workspace.deleted"


class MemberState(IntegrationEvent):
    workspace_id: UUID
    user_id: UUID
    role: WorkspaceRole
    email: str
    display_name: str


class MemberAdded(MemberState):
    event_type: ClassVar[str] = "workspace.member.added"


class MemberUpdated(MemberState):
    event_type: ClassVar[str] = "workspace.member.updated"


class MemberRemoved(MemberState):
    event_type: ClassVar[str] = "workspace.member.removed"


class ProjectState(IntegrationEvent):
    project_id: UUID
    workspace_id: UUID
    identifier: str
    name: str
    status: str
    is_time_tracking_enabled: bool
    # Absent from events written before projects had one: those projects are public.
    visibility: ProjectVisibility = ProjectVisibility.PUBLIC
    currency: str | None = None
    default_hourly_rate: Decimal | None = None
    budget_amount: Decimal | None = None
    budget_hours: Decimal | None = None
    client_id: UUID | None = None
    # The project's own rounding rule; null: the workspace's applies.
    rounding: RoundingRule | None = None
    archived_at: datetime | None = None


class ProjectCreated(ProjectState):
    event_type: ClassVar[str] = "workspace.project.created"


class ProjectUpdated(ProjectState):
    event_type: ClassVar[str] = "workspace.project.updated"


class ProjectArchived(ProjectState):
    event_type: ClassVar[str] = "workspace.project.archived"


class ProjectUnarchived(ProjectState):
    event_type: ClassVar[str] = "workspace.project.unarchived"


class ProjectDeleted(ProjectState):
    event_type: ClassVar[str] = "workspace.project.deleted"


class ProjectMemberState(IntegrationEvent):
    project_id: UUID
    workspace_id: UUID
    user_id: UUID
    role: ProjectRole
    hourly_rate: Decimal | None = None


class ProjectMemberAdded(ProjectMemberState):
    event_type: ClassVar[str] = "workspace.project_member.added"


class ProjectMemberUpdated(ProjectMemberState):
    event_type: ClassVar[str] = "workspace.project_member.updated"


class ProjectMemberRemoved(ProjectMemberState):
    event_type: ClassVar[str] = "workspace.project_member.removed"
