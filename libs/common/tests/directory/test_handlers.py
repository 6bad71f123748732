"""Workspace events through a real consumer into the directory: duplicates and reordering
leave the newest state."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping, Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.directory import DirectoryTables, directory_handlers, merge_handlers
from worksync.common.events.envelope import CloudEvent
from worksync.common.ids import new_id
from worksync.common.testing.workspace_events import (
    member_event,
    project_event,
    project_member_event,
    republished,
    workspace_event,
)

from .conftest import Bus


async def stored(
    sessionmaker: async_sessionmaker[AsyncSession], table: Table, **key: Any
) -> RowMapping:
    async with sessionmaker() as session:
        query = select(table).filter_by(**key)
        row = (await session.execute(query)).mappings().one_or_none()
    assert row is not None, f"no {table.name} row for {key}"
    return row


def slug() -> str:
    return f"acme-{new_id().hex[-12:]}"


async def test_workspace_events_leave_the_newest_state(
    bus: Bus, tables: DirectoryTables, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    workspace_id, old_slug, new_slug = new_id(), slug(), slug()
    created = workspace_event("created", workspace_id, slug=old_slug, sequence=1)
    updated = workspace_event("updated", workspace_id, slug=new_slug, sequence=2, name="Acme Ltd")

    await bus.deliver(updated, created, updated, created)

    row = await stored(sessionmaker, tables.workspaces, id=workspace_id)
    assert dict(row) == {
        "id": workspace_id,
        "slug": new_slug,
        "name": "Acme Ltd",
        "timezone": "Europe/Vienna",
        "week_start": "monday",
        "working_hours_per_day": Decimal("7.50"),
        "currency": "EUR",
        "rounding": {
            "begin": None,
            "end": None,
            "duration": {"step_minutes": 15, "mode": "nearest"},
        },
        "lockdown_date": date(2026, 1, 31),
        "timesheet_period": "weekly",
        "deleted": False,
        "sequence": 2,
    }

    deleted = workspace_event("deleted", workspace_id, slug=new_slug, sequence=3)
    await bus.deliver(deleted, republished(updated), deleted)

    row = await stored(sessionmaker, tables.workspaces, id=workspace_id)
    assert (row.deleted, row.slug, row.sequence) == (True, None, 3)


async def test_a_slug_belongs_to_the_workspace_that_claimed_it_last(
    bus: Bus, tables: DirectoryTables, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    renamed, newcomer, contested, moved_to = new_id(), new_id(), slug(), slug()

    await bus.deliver(
        workspace_event("created", renamed, slug=contested, sequence=1),
        # The newcomer took the slug after a rename whose event is still on its way.
        workspace_event("created", newcomer, slug=contested, sequence=1),
    )
    assert (await stored(sessionmaker, tables.workspaces, id=renamed)).slug is None
    assert (await stored(sessionmaker, tables.workspaces, id=newcomer)).slug == contested

    await bus.deliver(workspace_event("updated", renamed, slug=moved_to, sequence=2))
    assert (await stored(sessionmaker, tables.workspaces, id=renamed)).slug == moved_to
    assert (await stored(sessionmaker, tables.workspaces, id=newcomer)).slug == contested


async def test_a_removal_overtaking_its_addition_wins_until_a_re_addition(
    bus: Bus, tables: DirectoryTables, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    workspace_id, user_id = new_id(), new_id()
    added = member_event("added", workspace_id, user_id, role="member", sequence=1)
    removed = member_event("removed", workspace_id, user_id, role="member", sequence=2)

    await bus.deliver(removed, added, removed, added, republished(added))

    row = await stored(sessionmaker, tables.members, workspace_id=workspace_id, user_id=user_id)
    assert (row.removed, row.role, row.sequence) == (True, "member", 2)

    re_added = member_event("added", workspace_id, user_id, role="member", sequence=3)
    promoted = member_event("updated", workspace_id, user_id, role="admin", sequence=4)
    await bus.deliver(promoted, re_added, promoted, re_added)

    row = await stored(sessionmaker, tables.members, workspace_id=workspace_id, user_id=user_id)
    assert dict(row) == {
        "workspace_id": workspace_id,
        "user_id": user_id,
        "role": "admin",
        "email": f"{user_id.hex[:8]}@example.com",
        "display_name": "Ada Lovelace",
        "removed": False,
        "sequence": 4,
    }


async def test_project_events_leave_the_newest_state(
    bus: Bus, tables: DirectoryTables, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    project_id, workspace_id, client_id = new_id(), new_id(), new_id()
    archived_at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    created = project_event("created", project_id, workspace_id, sequence=1)
    archived = project_event(
        "archived", project_id, workspace_id, sequence=2, archived_at=archived_at
    )
    unarchived = project_event("unarchived", project_id, workspace_id, sequence=3)
    updated = project_event(
        "updated",
        project_id,
        workspace_id,
        sequence=4,
        name="Apollo 11",
        visibility="private",
        client_id=client_id,
        rounding={"begin": {"step_minutes": 60, "mode": "down"}, "end": None, "duration": None},
    )

    await bus.deliver(updated, created, archived, updated, unarchived, created, archived)

    row = await stored(sessionmaker, tables.projects, id=project_id)
    assert dict(row) == {
        "id": project_id,
        "workspace_id": workspace_id,
        "identifier": "APL",
        "name": "Apollo 11",
        "status": "active",
        "is_time_tracking_enabled": True,
        "visibility": "private",
        "currency": "EUR",
        "default_hourly_rate": Decimal("80.00"),
        "budget_amount": Decimal("12000.00"),
        "budget_hours": Decimal("150.5"),
        "client_id": client_id,
        "rounding": {"begin": {"step_minutes": 60, "mode": "down"}, "end": None, "duration": None},
        "archived_at": None,
        "deleted": False,
        "sequence": 4,
    }

    await bus.deliver(archived, republished(updated))
    assert (await stored(sessionmaker, tables.projects, id=project_id)).archived_at is None
    # The project follows its workspace's rule again once an event says so.
    follows = project_event("updated", project_id, workspace_id, sequence=5, rounding=None)
    await bus.deliver(follows)
    assert (await stored(sessionmaker, tables.projects, id=project_id)).rounding is None

    archived_again = project_event(
        "archived", project_id, workspace_id, sequence=6, archived_at=archived_at
    )
    deleted = project_event("deleted", project_id, workspace_id, sequence=7)
    await bus.deliver(archived_again, archived_again)
    assert (await stored(sessionmaker, tables.projects, id=project_id)).archived_at == archived_at
    await bus.deliver(deleted, unarchived, deleted)
    row = await stored(sessionmaker, tables.projects, id=project_id)
    assert (row.deleted, row.sequence) == (True, 7)


async def test_project_member_events_leave_the_newest_state(
    bus: Bus, tables: DirectoryTables, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    project_id, workspace_id, user_id = new_id(), new_id(), new_id()

    def event(verb: str, role: str, sequence: int, hourly_rate: str | None = None) -> CloudEvent:
        return project_member_event(
            verb,
            project_id,
            workspace_id,
            user_id,
            role=role,
            sequence=sequence,
            hourly_rate=hourly_rate,
        )

    added, removed = event("added", "member", 1), event("removed", "member", 2)
    await bus.deliver(removed, added, removed, added)
    row = await stored(sessionmaker, tables.project_members, project_id=project_id, user_id=user_id)
    assert (row.removed, row.sequence) == (True, 2)

    re_added = event("added", "guest", 3, hourly_rate="95.50")
    promoted = event("updated", "admin", 4, hourly_rate="120.00")
    await bus.deliver(re_added, promoted, re_added, promoted)
    row = await stored(sessionmaker, tables.project_members, project_id=project_id, user_id=user_id)
    assert dict(row) == {
        "project_id": project_id,
        "user_id": user_id,
        "workspace_id": workspace_id,
        "role": "admin",
        "hourly_rate": Decimal("120.00"),
        "removed": False,
        "sequence": 4,
    }


async def test_merged_handlers_run_in_order_in_one_transaction(
    tables: DirectoryTables, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    seen: list[str] = []

    async def create_default_states(session: AsyncSession, event: CloudEvent) -> None:
        # Runs after the directory's handler, in its transaction: the project is there.
        project = await session.scalar(
            select(tables.projects.c.name).where(tables.projects.c.id == event.subject)
        )
        seen.append(f"states for {project}")

    handlers = merge_handlers(
        directory_handlers(tables), {"workspace.project.created": create_default_states}
    )
    assert set(handlers) == set(directory_handlers(tables))
    event = project_event("created", new_id(), new_id(), sequence=1)
    async with sessionmaker.begin() as session:
        await handlers[event.type](session, event)

    assert seen == ["states for Apollo"]
