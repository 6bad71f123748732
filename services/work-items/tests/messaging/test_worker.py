"""The worker's relay and consumer against the real broker, on exchanges of their own."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.waiting import eventually
from worksync.common.testing.worker import WorkerUnderTest
from worksync.work_items.models import Issue
from worksync.work_items.testing import Api, World


async def test_the_relay_publishes_issue_events(
    api: Api, world: World, worker: WorkerUnderTest
) -> None:
    tap = await worker.tap("workitems.issue.*")
    async with worker.relaying():
        issue = await api.issue(world, title="Relayed")
        event = await tap.first_about(issue["id"])
    assert event["type"] == "workitems.issue.created"
    assert event["data"]["key"] == issue["key"]


async def test_the_consumer_applies_an_entry_once(
    api: Api,
    world: World,
    worker: WorkerUnderTest,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    issue = await api.issue(world)
    entry_id, event_id = new_id(), str(new_id())
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "worksync/timetracking",
        "type": "timetracking.entry.created",
        "subject": str(entry_id),
        "time": "2030-01-01T00:00:00Z",
        "sequence": 1,
        "data": {
            "entry_id": str(entry_id),
            "workspace_id": str(world.workspace.id),
            "project_id": str(world.project.id),
            "issue_id": issue["id"],
            "user_id": str(world.member.id),
            "duration_seconds": 1800,
        },
    }
    await worker.publish(envelope, times=2)
    async with worker.consuming():

        async def logged() -> bool:
            async with sessionmaker() as session:
                minutes = await session.scalar(
                    select(Issue.logged_minutes).where(Issue.id == uuid.UUID(issue["id"]))
                )
            return minutes == 30

        await eventually(logged)
        await eventually(worker.queue_is_empty)
    assert await worker.inbox_count(event_id) == 1
