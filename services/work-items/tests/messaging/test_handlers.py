"""Foreign events through the service's handler map: project setup and logged minutes.

Events arrive twice, out of order, and for issues not known yet: only news changes
anything, and logged minutes never make an issue event.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.workspace_events import project_event, republished
from worksync.work_items.issues import service as issue_service
from worksync.work_items.models import State, TimeEntry
from worksync.work_items.testing import Api, World, entry_event, issue_events


async def _logged(api: Api, world: World, issue: dict[str, Any]) -> int:
    found = await api.get(world.url(f"/issues/{issue['id']}"), world.admin, include_deleted=True)
    minutes: int = found["logged_minutes"]
    return minutes


async def test_entries_add_up_rounded_down_without_issue_events(
    api: Api, world: World, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    issue = await api.issue(world)
    await seeder.deliver(
        entry_event("created", world, new_id(), issue_id=issue["id"], seconds=90, sequence=1)
    )
    await seeder.deliver(
        entry_event("created", world, new_id(), issue_id=issue["id"], seconds=45, sequence=1)
    )
    assert await _logged(api, world, issue) == 2
    after = await api.get(world.url(f"/issues/{issue['id']}"), world.member)
    assert after["version"] == issue["version"]
    assert after["updated_at"] == issue["updated_at"]
    assert len(await issue_events(sessionmaker, issue["id"])) == 1


async def test_duplicates_change_nothing(api: Api, world: World, seeder: DirectorySeeder) -> None:
    issue = await api.issue(world)
    entry_id = new_id()
    created = entry_event("created", world, entry_id, issue_id=issue["id"], seconds=600, sequence=1)
    for event in (created, created, republished(created)):
        await seeder.deliver(event)
    assert await _logged(api, world, issue) == 10


async def test_out_of_order_events_keep_the_newest(
    api: Api, world: World, seeder: DirectorySeeder
) -> None:
    issue = await api.issue(world)
    entry_id = new_id()
    # The update overtakes the create.
    await seeder.deliver(
        entry_event("updated", world, entry_id, issue_id=issue["id"], seconds=1200, sequence=2)
    )
    await seeder.deliver(
        entry_event("created", world, entry_id, issue_id=issue["id"], seconds=60, sequence=1)
    )
    assert await _logged(api, world, issue) == 20
    # The delete overtakes an update.
    await seeder.deliver(
        entry_event("deleted", world, entry_id, issue_id=issue["id"], seconds=1200, sequence=4)
    )
    await seeder.deliver(
        entry_event("updated", world, entry_id, issue_id=issue["id"], seconds=3000, sequence=3)
    )
    assert await _logged(api, world, issue) == 0


async def test_an_entry_moves_between_issues_and_off_them(
    api: Api, world: World, seeder: DirectorySeeder
) -> None:
    first, second = await api.issue(world), await api.issue(world)
    entry_id, other_id = new_id(), new_id()
    await seeder.deliver(
        entry_event("created", world, entry_id, issue_id=first["id"], seconds=300, sequence=1)
    )
    await seeder.deliver(
        entry_event("created", world, other_id, issue_id=first["id"], seconds=120, sequence=1)
    )
    await seeder.deliver(
        entry_event("updated", world, entry_id, issue_id=second["id"], seconds=360, sequence=2)
    )
    assert (await _logged(api, world, first), await _logged(api, world, second)) == (2, 6)
    await seeder.deliver(
        entry_event("updated", world, entry_id, issue_id=None, seconds=360, sequence=3)
    )
    assert (await _logged(api, world, first), await _logged(api, world, second)) == (2, 0)
    await seeder.deliver(
        entry_event("deleted", world, other_id, issue_id=first["id"], seconds=120, sequence=2)
    )
    assert await _logged(api, world, first) == 0


async def test_entries_of_deleted_issues_still_count(
    api: Api, world: World, seeder: DirectorySeeder
) -> None:
    issue = await api.issue(world)
    assert (
        await api.client.delete(world.url(f"/issues/{issue['id']}"), headers=world.admin.headers)
    ).status_code == 204
    await seeder.deliver(
        entry_event("created", world, new_id(), issue_id=issue["id"], seconds=120, sequence=1)
    )
    assert await _logged(api, world, issue) == 2


async def test_entries_of_an_issue_not_known_yet_count_when_it_arrives(
    api: Api,
    world: World,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issue_id = new_id()
    await seeder.deliver(
        entry_event("created", world, new_id(), issue_id=issue_id, seconds=240, sequence=1)
    )
    async with sessionmaker() as session:
        kept = await session.scalar(
            select(func.count()).select_from(TimeEntry).where(TimeEntry.issue_id == issue_id)
        )
    assert kept == 1
    # The issue arrives with the id the entry named.
    monkeypatch.setattr(issue_service, "new_id", lambda: issue_id)
    issue = await api.issue(world)
    assert issue["id"] == str(issue_id)
    assert issue["logged_minutes"] == 4


async def _state_count(sessionmaker: async_sessionmaker[AsyncSession], project_id: UUID) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(State).where(State.project_id == project_id)
        )
    return int(count or 0)


async def test_project_created_sets_up_once(
    api: Api, world: World, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = await api.issue(world)
    event = project_event(
        "created",
        world.project.id,
        world.workspace.id,
        sequence=1,
        identifier=world.project.identifier,
    )
    for again in (event, republished(event)):
        await seeder.deliver(again)
    assert await _state_count(sessionmaker, world.project.id) == 5
    # The counter was not reset.
    assert (await api.issue(world))["sequence_id"] == first["sequence_id"] + 1
