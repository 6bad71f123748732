"""The worker's relay and consumer against the real broker, on exchanges of their own."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.waiting import eventually
from worksync.common.testing.worker import WorkerUnderTest
from worksync.identity.models import WorkspaceMembership
from worksync.identity.testing import Accounts


async def test_the_relay_publishes_registrations(
    accounts: Accounts, worker: WorkerUnderTest
) -> None:
    tap = await worker.tap("identity.user.*")
    async with worker.relaying():
        user = await accounts.register()
        event = await tap.first_about(user["id"])
    assert event["type"] == "identity.user.registered"
    assert event["source"] == "worksync/identity"
    assert event["sequence"] == 1
    assert event["data"] == {
        "user_id": user["id"],
        "email": user["email"],
        "display_name": user["display_name"],
    }


async def test_the_consumer_applies_membership_events_once(
    worker: WorkerUnderTest, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    workspace, user, event_id = uuid.uuid4(), uuid.uuid4(), str(uuid.uuid4())
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "worksync/workspace",
        "type": "workspace.member.added",
        "subject": str(workspace),
        "time": "2030-01-01T00:00:00Z",
        "sequence": 7,
        "data": {"workspace_id": str(workspace), "user_id": str(user), "role": "admin"},
    }
    await worker.publish(envelope, times=2)

    async with worker.consuming():

        async def projected() -> bool:
            async with sessionmaker() as session:
                row = await session.get(WorkspaceMembership, (workspace, user))
                return row is not None and row.sequence == 7 and not row.removed

        await eventually(projected)
        await eventually(worker.queue_is_empty)
    # Leaving the block stopped the consumer, which lets handlers in flight finish; anything
    # unsettled would be back in the queue.
    assert await worker.queue_is_empty()
    assert await worker.inbox_count(event_id) == 1
