"""Entry events applied as one batch (one call of the batch handler, one statement): the
batch leaves exactly what its events leave applied one after another."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import BatchHandler
from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.workspace_events import republished
from worksync.resources.messaging.consumed import EntryCreated, EntryDeleted, EntryUpdated
from worksync.resources.messaging.handlers import HANDLERS, on_entry
from worksync.resources.models import ActualDay, ActualEntry
from worksync.resources.testing import Team, member_entry_event

MONDAY, TUESDAY = date(2026, 1, 5), date(2026, 1, 6)
# What an entry's projection holds: (sequence, deleted, project, days).
Projected = tuple[int, bool, UUID, list[tuple[date, int]]] | None


async def _apply_batch(
    sessionmaker: async_sessionmaker[AsyncSession], events: Sequence[CloudEvent]
) -> None:
    """One call of the batch handler in one transaction, as the consumer makes it."""
    async with sessionmaker.begin() as session:
        await on_entry.apply(session, events)


async def _projected(sessionmaker: async_sessionmaker[AsyncSession], entry_id: UUID) -> Projected:
    async with sessionmaker() as session:
        entry = await session.get(ActualEntry, entry_id)
        days = await session.execute(
            select(ActualDay.day, ActualDay.seconds, ActualDay.project_id)
            .where(ActualDay.entry_id == entry_id)
            .order_by(ActualDay.day)
        )
    if entry is None:
        return None
    rows = days.all()
    assert all(row.project_id == entry.project_id for row in rows)
    return entry.sequence, entry.deleted, entry.project_id, [(row.day, row.seconds) for row in rows]


def test_the_consumer_hands_every_entry_type_to_one_batch_handler() -> None:
    """Merged with no other handler, so that a batch mixing the types is one call."""
    entry_types = (EntryCreated.event_type, EntryUpdated.event_type, EntryDeleted.event_type)
    assert isinstance(on_entry, BatchHandler)
    assert all(HANDLERS[event_type] is on_entry for event_type in entry_types)


async def test_two_versions_of_an_entry_in_one_batch_leave_the_newer_in_either_order(
    team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for newer_first in (False, True):
        entry_id = new_id()
        older = member_entry_event(team, entry_id, "created", 1, (MONDAY, 7200), (TUESDAY, 1800))
        newer = member_entry_event(team, entry_id, "updated", 2, (TUESDAY, 3600))
        await _apply_batch(sessionmaker, [newer, older] if newer_first else [older, newer])
        assert await _projected(sessionmaker, entry_id) == (
            2,
            False,
            team.project.id,
            [(TUESDAY, 3600)],
        )


async def test_a_deletion_after_its_creation_in_one_batch_leaves_a_tombstone(
    team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    entry_id, overtaken_id = new_id(), new_id()
    await _apply_batch(
        sessionmaker,
        [
            member_entry_event(team, entry_id, "created", 1, (MONDAY, 600)),
            member_entry_event(team, entry_id, "deleted", 2, (MONDAY, 600)),
            # The deletion first: the creation it overtook brings nothing back.
            member_entry_event(team, overtaken_id, "deleted", 2, (MONDAY, 600)),
            member_entry_event(team, overtaken_id, "created", 1, (MONDAY, 600)),
        ],
    )
    for deleted_id in (entry_id, overtaken_id):
        assert await _projected(sessionmaker, deleted_id) == (2, True, team.project.id, [])


async def test_a_batch_changes_only_entries_it_has_newer_versions_of(
    team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    stale_id, moved_id, new_entry_id, other_project = new_id(), new_id(), new_id(), new_id()
    await _apply_batch(
        sessionmaker,
        [
            member_entry_event(team, stale_id, "updated", 5, (MONDAY, 600)),
            member_entry_event(team, moved_id, "created", 1, (MONDAY, 600), (TUESDAY, 600)),
        ],
    )
    late = member_entry_event(team, stale_id, "updated", 4, (TUESDAY, 99))
    await _apply_batch(
        sessionmaker,
        [
            late,
            republished(late),
            member_entry_event(
                team, moved_id, "updated", 2, (TUESDAY, 900), project_id=other_project
            ),
            member_entry_event(team, new_entry_id, "created", 1, (TUESDAY, 300)),
        ],
    )
    assert await _projected(sessionmaker, stale_id) == (5, False, team.project.id, [(MONDAY, 600)])
    assert await _projected(sessionmaker, moved_id) == (2, False, other_project, [(TUESDAY, 900)])
    assert await _projected(sessionmaker, new_entry_id) == (
        1,
        False,
        team.project.id,
        [(TUESDAY, 300)],
    )


async def test_batches_leave_what_the_same_events_leave_one_by_one(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Random histories of a few entries, shuffled and repeated as redelivery and
    republishing do: applied one per transaction to some entries and in batches of random
    sizes to their twins, they leave the same projection."""
    shuffle = random.Random(13)
    projects = [team.project.id, new_id()]
    twins = {new_id(): new_id() for _ in range(6)}

    def history(entry_id: UUID) -> list[CloudEvent]:
        events = []
        for sequence in range(1, shuffle.randint(2, 5)):
            days = [
                (MONDAY + timedelta(days=offset), shuffle.randint(1, 9) * 600)
                for offset in sorted(shuffle.sample(range(4), shuffle.randint(1, 3)))
            ]
            verb = "created" if sequence == 1 else shuffle.choice(["updated", "deleted"])
            project = shuffle.choice(projects)
            events.append(
                member_entry_event(team, entry_id, verb, sequence, *days, project_id=project)
            )
        return events

    one_by_one = [event for entry_id in twins for event in history(entry_id)]
    one_by_one += [republished(event) for event in shuffle.sample(one_by_one, 8)]
    shuffle.shuffle(one_by_one)
    for event in one_by_one:
        await seeder.deliver(event)

    batched = [
        event.model_copy(
            update={"data": {**event.data, "entry_id": str(twins[UUID(event.data["entry_id"])])}}
        )
        for event in one_by_one
    ]
    while batched:
        size = shuffle.randint(1, 12)
        await _apply_batch(sessionmaker, batched[:size])
        del batched[:size]

    for entry_id, twin_id in twins.items():
        assert await _projected(sessionmaker, twin_id) == await _projected(sessionmaker, entry_id)
