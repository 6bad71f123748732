"""Foreign events -> the directory, project setup, and logged minutes.

Idempotent: the consumer's inbox drops duplicates; the directory and the time entries
apply an event only when its sequence is newer than what they hold; a project is set up
once, whoever comes first.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import directory_handlers, merge_handlers
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler, versions_handler
from worksync.work_items.messaging.consumed import (
    EntryCreated,
    EntryDeleted,
    EntrySnapshot,
    EntryUpdated,
    ProjectCreated,
)
from worksync.work_items.models import directory_tables
from worksync.work_items.projects.service import set_up_project
from worksync.work_items.time_logs.service import apply_entries


async def on_project_created(session: AsyncSession, event: CloudEvent) -> None:
    """A new project gets its issue counter and default states."""
    data = event.parse_data(ProjectCreated)
    await set_up_project(session, data.workspace_id, data.project_id)


# Each entry event type: the model of its data and whether it deletes the entry.
_ENTRY_EVENTS: Mapping[str, tuple[type[EntrySnapshot], bool]] = {
    EntryCreated.event_type: (EntryCreated, False),
    EntryUpdated.event_type: (EntryUpdated, False),
    EntryDeleted.event_type: (EntryDeleted, True),
}


# One handler for every entry type, so that a batch mixing them is one call.
on_entry = versions_handler(_ENTRY_EVENTS, apply_entries)


HANDLERS: Mapping[str, Handler] = merge_handlers(
    directory_handlers(directory_tables),
    {
        ProjectCreated.event_type: on_project_created,
        **dict.fromkeys(_ENTRY_EVENTS, on_entry),
    },
)
