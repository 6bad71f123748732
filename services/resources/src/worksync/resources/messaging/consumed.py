"""The resources service's own copies of the foreign events it reads (the fields it needs).

Workspace events reach the directory through `worksync.common.directory`; membership
events are read here as well, for capacity profiles, and staff events for staff skills.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.events.envelope import IntegrationEvent


class MemberChange(IntegrationEvent):
    """A `workspace.member.*` event (MemberSnapshot): who joined, changed or left where."""

    workspace_id: UUID
    user_id: UUID


class MemberAdded(MemberChange):
    event_type: ClassVar[str] = "workspace.member.added"


class MemberUpdated(MemberChange):
    event_type: ClassVar[str] = "workspace.member.updated"


class MemberRemoved(MemberChange):
    event_type: ClassVar[str] = "workspace.member.removed"


class StaffSnapshot(IntegrationEvent):
    """A `workspace.staff.*` event (StaffSnapshot): whose skills, where, and whether they
    are employed."""

    staff_profile_id: UUID
    workspace_id: UUID
    user_id: UUID
    employment_status: str
    # Normalised by the producer (the kit's `Skills`); absent from events published before
    # staff profiles had skills.
    skills: list[str] = []


class StaffCreated(StaffSnapshot):
    event_type: ClassVar[str] = "workspace.staff.created"


class StaffUpdated(StaffSnapshot):
    event_type: ClassVar[str] = "workspace.staff.updated"


class StaffTransferred(StaffSnapshot):
    event_type: ClassVar[str] = "workspace.staff.transferred"


class StaffDeactivated(StaffSnapshot):
    event_type: ClassVar[str] = "workspace.staff.deactivated"


class StaffDeleted(StaffSnapshot):
    event_type: ClassVar[str] = "workspace.staff.deleted"


class EntryDay(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    date: date
    seconds: int = Field(ge=0)


class EntrySnapshot(IntegrationEvent):
    """A finished time entry as timetracking publishes it (`EntrySnapshot`)."""

    entry_id: UUID
    workspace_id: UUID
    project_id: UUID
    user_id: UUID
    # The worked seconds split over the user's local calendar days.
    days: list[EntryDay]


class EntryCreated(EntrySnapshot):
    event_type: ClassVar[str] = "timetracking.entry.created"


class EntryUpdated(EntrySnapshot):
    event_type: ClassVar[str] = "timetracking.entry.updated"


class EntryDeleted(EntrySnapshot):
    event_type: ClassVar[str] = "timetracking.entry.deleted"


class IssueSnapshot(IntegrationEvent):
    """A `workitems.issue.*` event (IssueSnapshot): what milestone progress needs."""

    issue_id: UUID
    workspace_id: UUID
    project_id: UUID
    state_group: str
    estimate_minutes: int | None = Field(default=None, ge=0)
    deleted_at: datetime | None


class IssueCreated(IssueSnapshot):
    event_type: ClassVar[str] = "workitems.issue.created"


class IssueUpdated(IssueSnapshot):
    event_type: ClassVar[str] = "workitems.issue.updated"


class IssueDeleted(IssueSnapshot):
    event_type: ClassVar[str] = "workitems.issue.deleted"


class IssueRestored(IssueSnapshot):
    event_type: ClassVar[str] = "workitems.issue.restored"
