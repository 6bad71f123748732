"""This service's copies of the foreign events it reads beyond the directory's (work-items'
issues, the workspace's teams and clients), with only the fields it keeps."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from worksync.common.events.envelope import IntegrationEvent


class IssueSnapshot(IntegrationEvent):
    issue_id: UUID
    workspace_id: UUID
    project_id: UUID
    key: str
    title: str
    state_group: str | None = None
    estimate_minutes: int | None = None
    deleted_at: datetime | None = None


class IssueCreated(IssueSnapshot):
    event_type: ClassVar[str] = "workitems.issue.created"


class IssueUpdated(IssueSnapshot):
    event_type: ClassVar[str] = "workitems.issue.updated"


class IssueDeleted(IssueSnapshot):
    event_type: ClassVar[str] = "workitems.issue.deleted"


class IssueRestored(IssueSnapshot):
    event_type: ClassVar[str] = "workitems.issue.restored"


ISSUE_EVENTS: tuple[type[IssueSnapshot], ...] = (
    IssueCreated,
    IssueUpdated,
    IssueDeleted,
    IssueRestored,
)


class TeamSnapshot(IntegrationEvent):
    """The workspace's team events (the fields kept: who leads it); a membership event
    counts in its team's sequence and carries the team too."""

    team_id: UUID
    workspace_id: UUID
    lead_id: UUID | None = None


class TeamCreated(TeamSnapshot):
    event_type: ClassVar[str] = "workspace.team.created"


class TeamUpdated(TeamSnapshot):
    event_type: ClassVar[str] = "workspace.team.updated"


class TeamDeleted(TeamSnapshot):
    event_type: ClassVar[str] = "workspace.team.deleted"


class TeamMemberSnapshot(TeamSnapshot):
    user_id: UUID


class TeamMemberAdded(TeamMemberSnapshot):
    event_type: ClassVar[str] = "workspace.team.member_added"


class TeamMemberUpdated(TeamMemberSnapshot):
    event_type: ClassVar[str] = "workspace.team.member_updated"


class TeamMemberRemoved(TeamMemberSnapshot):
    event_type: ClassVar[str] = "workspace.team.member_removed"


TEAM_EVENTS: tuple[type[TeamSnapshot], ...] = (TeamCreated, TeamUpdated, TeamDeleted)
TEAM_MEMBER_EVENTS: tuple[type[TeamMemberSnapshot], ...] = (
    TeamMemberAdded,
    TeamMemberUpdated,
    TeamMemberRemoved,
)


class ClientSnapshot(IntegrationEvent):
    """The workspace's client events (the fields kept: its name, for reports)."""

    client_id: UUID
    workspace_id: UUID
    name: str


class ClientCreated(ClientSnapshot):
    event_type: ClassVar[str] = "workspace.client.created"


class ClientUpdated(ClientSnapshot):
    event_type: ClassVar[str] = "workspace.client.updated"


class ClientDeleted(ClientSnapshot):
    event_type: ClassVar[str] = "workspace.client.deleted"


CLIENT_EVENTS: tuple[type[ClientSnapshot], ...] = (ClientCreated, ClientUpdated, ClientDeleted)
