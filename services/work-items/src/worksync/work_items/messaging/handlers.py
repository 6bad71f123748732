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
from worksync.common.events.handlers import Handler
from worksync.work_items.messaging.consumed import (
    EntryCreated,
    EntryDeleted,
    EntrySnapshot,
    EntryUpdated,
    ProjectCreated,
)
from worksync.work_items.models import directory_tables
from worksync.work_items.projects.service import set_up_project
from worksync.work_items.time_logs.service import apply_entry


async def on_project_created(session: AsyncSession, event: CloudEvent) -> None:
    """A new project gets its issue counter and default states."""
    data = event.parse_data(ProjectCreated)
    await set_up_project(session, data.workspace_id, data.project_id)


def _on_entry(model: type[EntrySnapshot], *, deleted: bool) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        await apply_entry(
            session,
            event.parse_data(model),
            deleted=deleted,
            sequence=event.sequence,
            occurred_at=event.time,
        )

    return handle


HANDLERS: Mapping[str, Handler] = merge_handlers(
    directory_handlers(directory_tables),
    {
        ProjectCreated.event_type: on_project_created,
        EntryCreated.event_type: _on_entry(EntryCreated, deleted=False),
        EntryUpdated.event_type: _on_entry(EntryUpdated, deleted=False),
        EntryDeleted.event_type: _on_entry(EntryDeleted, deleted=True),
    },
)
