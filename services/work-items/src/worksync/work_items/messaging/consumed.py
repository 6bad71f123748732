"""The work-items service's own copies of the foreign events it reads (fields it needs only).

Workspace events reach the directory through `worksync.common.directory`; only
`workspace.project.created` is read here as well, for the project's default states.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from worksync.common.events.envelope import IntegrationEvent


class ProjectCreated(IntegrationEvent):
    event_type: ClassVar[str] = "workspace.project.created"

    project_id: UUID
    workspace_id: UUID


class EntrySnapshot(IntegrationEvent):
    """A finished time entry; only what logged minutes and the activity feed need."""

    entry_id: UUID
    workspace_id: UUID
    issue_id: UUID | None
    user_id: UUID
    duration_seconds: int


class EntryCreated(EntrySnapshot):
    event_type: ClassVar[str] = "timetracking.entry.created"


class EntryUpdated(EntrySnapshot):
    event_type: ClassVar[str] = "timetracking.entry.updated"


class EntryDeleted(EntrySnapshot):
    event_type: ClassVar[str] = "timetracking.entry.deleted"
