"""The worker's consumer and relay against the real broker, on exchanges of their own:
a member joining upstream gets a profile, whose event the relay publishes."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.ids import new_id
from worksync.common.testing.timetracking_events import entry_event
from worksync.common.testing.waiting import eventually
from worksync.common.testing.worker import WorkerUnderTest
from worksync.common.testing.workspace_events import member_event
from worksync.resources.models import ActualDay, ActualEntry, CapacityProfile, StaffSkills
from worksync.resources.testing import staff_event


async def test_consumed_events_reach_profiles_and_actuals_and_the_relay_publishes(
    worker: WorkerUnderTest, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    tap = await worker.tap("resources.capacity_profile.created")
    workspace_id, user_id, entry_id = new_id(), new_id(), new_id()
    joined = member_event("added", workspace_id, user_id, role="member", sequence=1)
    tracked = entry_event(
        "created",
        entry_id=entry_id,
        workspace_id=workspace_id,
        user_id=user_id,
        project_id=new_id(),
        days=[(date(2026, 1, 5), 1800)],
        sequence=1,
    )
    await worker.publish(joined, times=2)
    await worker.publish(tracked)

    async with worker.running():
        relayed = await tap.first(lambda event: event["data"]["user_id"] == str(user_id))

        async def tracked_projected() -> bool:
            async with sessionmaker() as session:
                return await session.get(ActualDay, (entry_id, date(2026, 1, 5))) is not None

        await eventually(tracked_projected)
    async with sessionmaker() as session:
        profiles = (
            await session.scalars(select(CapacityProfile).where(CapacityProfile.user_id == user_id))
        ).all()
    assert len(profiles) == 1
    assert [e for e in tap.received if e["data"]["user_id"] == str(user_id)] == [relayed]
    assert (relayed["source"], relayed["sequence"], relayed["subject"]) == (
        "worksync/resources",
        1,
        str(profiles[0].id),
    )


async def test_staff_events_reach_the_staff_skills_through_the_broker(
    worker: WorkerUnderTest, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """The worker's queue is bound to `workspace.staff.*`; the same message twice is one."""
    profile_id = new_id()
    created = staff_event(
        "created",
        staff_profile_id=profile_id,
        workspace_id=new_id(),
        user_id=new_id(),
        skills=["Rust"],
        sequence=1,
    )
    await worker.publish(created, times=2)

    async with worker.running():

        async def projected() -> bool:
            async with sessionmaker() as session:
                return await session.get(StaffSkills, profile_id) is not None

        await eventually(projected)
    async with sessionmaker() as session:
        stored = await session.get(StaffSkills, profile_id)
    assert stored is not None
    assert (stored.skills, stored.contributes, stored.sequence) == (["Rust"], True, 1)


async def test_entry_events_waiting_together_still_keep_the_newest_sequence(
    worker: WorkerUnderTest, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Published before the worker starts, the events reach it together and share its
    batches: within one transaction the newest sequence still wins, copies apply once, and
    a deletion keeps out what it overtook."""
    workspace_id, user_id, project_id = new_id(), new_id(), new_id()
    kept, deleted = new_id(), new_id()
    monday, tuesday = date(2026, 1, 5), date(2026, 1, 6)

    def entry(verb: str, entry_id: UUID, sequence: int, *days: tuple[date, int]) -> CloudEvent:
        return entry_event(
            verb,
            entry_id=entry_id,
            workspace_id=workspace_id,
            user_id=user_id,
            project_id=project_id,
            days=days,
            sequence=sequence,
        )

    newest = entry("updated", kept, 3, (tuesday, 3600))
    for event in (
        entry("created", kept, 1, (monday, 7200), (tuesday, 1800)),
        newest,
        entry("updated", kept, 2, (monday, 99)),
        entry("deleted", deleted, 2, (monday, 600)),
        entry("created", deleted, 1, (monday, 600)),
    ):
        await worker.publish(event)
    await worker.publish(newest, times=2)

    async def applied() -> bool:
        async with sessionmaker() as session:
            stored = await session.get(ActualEntry, kept)
            tombstone = await session.get(ActualEntry, deleted)
        return stored is not None and stored.sequence == 3 and tombstone is not None

    async with worker.running():
        await eventually(applied)
    async with sessionmaker() as session:
        days = await session.execute(
            select(ActualDay.entry_id, ActualDay.day, ActualDay.seconds).where(
                ActualDay.entry_id.in_([kept, deleted])
            )
        )
        tombstone = await session.get(ActualEntry, deleted)
    assert [tuple(row) for row in days] == [(kept, tuesday, 3600)]
    assert tombstone is not None
    assert (tombstone.sequence, tombstone.deleted) == (2, True)
