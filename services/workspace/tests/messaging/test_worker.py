"""The worker's relay and consumer against the real broker, on exchanges of their own."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.waiting import eventually
from worksync.common.testing.worker import WorkerUnderTest
from worksync.workspace.models import User
from worksync.workspace.testing import API, People, Workspaces
from worksync.workspace.worker import republish_periodically


async def test_the_relay_publishes_member_additions(
    people: People, workspaces: Workspaces, worker: WorkerUnderTest
) -> None:
    tap = await worker.tap("workspace.member.added")
    async with worker.relaying():
        ada, bob = await people.register(), await people.register("Bob")
        workspace = await workspaces.create(ada)
        member = await workspaces.add_member(workspace["slug"], ada, bob)
        event = await tap.first_about(member["id"])
    assert event["type"] == "workspace.member.added"
    assert event["source"] == "worksync/workspace"
    assert event["sequence"] == 1
    assert event["workspaceid"] == workspace["id"]
    assert event["data"] == {
        "workspace_id": workspace["id"],
        "user_id": str(bob.id),
        "role": "member",
        "email": bob.email,
        "display_name": "Bob",
    }


async def test_the_consumer_applies_user_events_once(
    worker: WorkerUnderTest, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user_id, event_id = uuid.uuid4(), str(uuid.uuid4())
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "worksync/identity",
        "type": "identity.user.registered",
        "subject": str(user_id),
        "time": "2030-01-01T00:00:00Z",
        "sequence": 1,
        "data": {"user_id": str(user_id), "email": "new@example.com", "display_name": "New"},
    }
    await worker.publish(envelope, times=2)

    async with worker.consuming():

        async def projected() -> bool:
            async with sessionmaker() as session:
                return await session.get(User, user_id) is not None

        await eventually(projected)
        await eventually(worker.queue_is_empty)
    assert await worker.inbox_count(event_id) == 1


async def test_the_periodic_republish_repeats_each_membership_at_its_version(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    worker: WorkerUnderTest,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """What reconciles the other services' directories: a consumer that missed a removal
    takes it at the next round, one that did not changes nothing (same sequence)."""
    tap = await worker.tap("workspace.member.*")
    ada, bob = await people.register(), await people.register("Bob")
    workspace = await workspaces.create(ada)
    member = await workspaces.add_member(workspace["slug"], ada, bob)
    removal = await client.delete(
        f"{API}/workspaces/{workspace['slug']}/members/{bob.id}", headers=ada.headers
    )
    assert removal.status_code == 204, removal.text
    (periodic,) = republish_periodically(worker.settings, sessionmaker)
    async with worker.relaying():
        removed = await tap.first(
            lambda event: event["subject"] == member["id"] and event["type"].endswith("removed")
        )
        counts = await periodic.round()
        repeated = await tap.first(
            lambda event: (
                event["subject"] == member["id"]
                and event["type"].endswith("removed")
                and event["id"] != removed["id"]
            )
        )
    assert counts is not None
    assert counts["workspace.member"] >= 2
    assert (repeated["type"], repeated["sequence"]) == (removed["type"], removed["sequence"])
    assert repeated["data"] == removed["data"]
