"""Workspace events -> the directory. Idempotent: the consumer's inbox drops duplicates, and
the store applies an event only when its sequence is newer than the row's, so a removal
that overtakes its addition leaves the row removed and the late addition is ignored.

A service adds these to its worker's consumer; when it handles one of these event types
itself as well, it merges both so that the directory keeps its share::

    handlers = merge_handlers(directory_handlers(directory), {
        "workspace.project.created": create_default_states,
    })
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import store
from worksync.common.directory.events import (
    MemberAdded,
    MemberRemoved,
    MemberState,
    MemberUpdated,
    ProjectArchived,
    ProjectCreated,
    ProjectDeleted,
    ProjectMemberAdded,
    ProjectMemberRemoved,
    ProjectMemberState,
    ProjectMemberUpdated,
    ProjectState,
    ProjectUnarchived,
    ProjectUpdated,
    WorkspaceCreated,
    WorkspaceDeleted,
    WorkspaceState,
    WorkspaceUpdated,
)
from worksync.common.directory.tables import DirectoryTables
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler

# Each event type and whether it ends the aggregate (deleted or removed).
WORKSPACE_EVENTS: Final = {WorkspaceCreated: False, WorkspaceUpdated: False, WorkspaceDeleted: True}
MEMBER_EVENTS: Final = {MemberAdded: False, MemberUpdated: False, MemberRemoved: True}
PROJECT_EVENTS: Final = {
    ProjectCreated: False,
    ProjectUpdated: False,
    ProjectArchived: False,
    ProjectUnarchived: False,
    ProjectDeleted: True,
}
PROJECT_MEMBER_EVENTS: Final = {
    ProjectMemberAdded: False,
    ProjectMemberUpdated: False,
    ProjectMemberRemoved: True,
}


def _on_workspace(tables: DirectoryTables, model: type[WorkspaceState], deleted: bool) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        data = event.parse_data(model)
        await store.apply_workspace(
            session,
            tables,
            workspace_id=data.workspace_id,
            slug=data.slug,
            deleted=deleted,
            settings=data.model_dump(exclude={"workspace_id", "slug"}),
            sequence=event.sequence,
        )

    return handle


def _on_member(tables: DirectoryTables, model: type[MemberState], removed: bool) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        data = event.parse_data(model)
        values = {**data.model_dump(), "role": data.role.value, "removed": removed}
        await store.apply_member(session, tables, values, sequence=event.sequence)

    return handle


def _on_project(tables: DirectoryTables, model: type[ProjectState], deleted: bool) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        data = event.parse_data(model)
        values = {
            **data.model_dump(exclude={"project_id"}),
            "id": data.project_id,
            "visibility": data.visibility.value,
        }
        await store.apply_project(
            session, tables, {**values, "deleted": deleted}, sequence=event.sequence
        )

    return handle


def _on_project_member(
    tables: DirectoryTables, model: type[ProjectMemberState], removed: bool
) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        data = event.parse_data(model)
        values = {**data.model_dump(), "role": data.role.value, "removed": removed}
        await store.apply_project_member(session, tables, values, sequence=event.sequence)

    return handle


def directory_handlers(tables: DirectoryTables) -> dict[str, Handler]:
    """Handlers for every `workspace.*` event the directory reads, keyed by event type."""
    handlers: dict[str, Handler] = {}
    for workspace_model, deleted in WORKSPACE_EVENTS.items():
        handlers[workspace_model.event_type] = _on_workspace(tables, workspace_model, deleted)
    for member_model, removed in MEMBER_EVENTS.items():
        handlers[member_model.event_type] = _on_member(tables, member_model, removed)
    for project_model, deleted in PROJECT_EVENTS.items():
        handlers[project_model.event_type] = _on_project(tables, project_model, deleted)
    for project_member_model, removed in PROJECT_MEMBER_EVENTS.items():
        handlers[project_member_model.event_type] = _on_project_member(
            tables, project_member_model, removed
        )
    return handlers


def merge_handlers(*handler_maps: Mapping[str, Handler]) -> dict[str, Handler]:
    """One handler map from several; handlers of the same key run in order, in the one
    transaction the consumer opens for the event. Keys combine only when they are equal:
    the consumer prefers an exact key, so a pattern elsewhere would not run beside it."""
    chains: dict[str, list[Handler]] = {}
    for handler_map in handler_maps:
        for key, handler in handler_map.items():
            chains.setdefault(key, []).append(handler)
    return {key: _chain(chain) if len(chain) > 1 else chain[0] for key, chain in chains.items()}


def _chain(chain: list[Handler]) -> Handler:
    async def handle_all(session: AsyncSession, event: CloudEvent) -> None:
        for handler in chain:
            await handler(session, event)

    return handle_all
