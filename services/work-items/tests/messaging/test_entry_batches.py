"""Time-entry events applied as one batch (one call of the batch handler, a few statements
for the whole batch): it leaves the logged minutes and the activity feed exactly as the same
events one after another."""

from __future__ import annotations

import random
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import BatchHandler
from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.workspace_events import republished
from worksync.work_items.messaging.consumed import EntryCreated, EntryDeleted, EntryUpdated
from worksync.work_items.messaging.handlers import HANDLERS, on_entry
from worksync.work_items.models import Issue, IssueActivity
from worksync.work_items.testing import Api, World, entry_event

# What a batch leaves on an issue: its logged minutes and its time feed, in order.
Left = tuple[int, list[tuple[str, Any, Any]]]


def test_the_consumer_hands_every_entry_type_to_one_batch_handler() -> None:
    """Merged with no other handler, so that a batch mixing the types is one call."""
    entry_types = (EntryCreated.event_type, EntryUpdated.event_type, EntryDeleted.event_type)
    assert isinstance(on_entry, BatchHandler)
    assert all(HANDLERS[event_type] is on_entry for event_type in entry_types)


async def _left(sessionmaker: async_sessionmaker[AsyncSession], issue_id: UUID) -> Left:
    """The issue's minutes and feed, with each feed entry's minutes (its ids differ
    between twins)."""
    async with sessionmaker() as session:
        minutes = await session.scalar(select(Issue.logged_minutes).where(Issue.id == issue_id))
        feed = await session.execute(
            select(IssueActivity.kind, IssueActivity.old_value, IssueActivity.new_value)
            .where(IssueActivity.issue_id == issue_id, IssueActivity.kind.like("time_%"))
            .order_by(IssueActivity.id)
        )
    return int(minutes or 0), [
        (row.kind, _minutes(row.old_value), _minutes(row.new_value)) for row in feed
    ]


def _minutes(value: dict[str, Any] | None) -> int | None:
    return None if value is None else int(value["minutes"])


async def test_batches_leave_what_the_same_events_leave_one_by_one(
    api: Api, world: World, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Random histories of a few entries moving between issues, shuffled and repeated as
    redelivery and republishing do: delivered one per transaction on some issues and in
    batches of random sizes on their twins, they leave the same minutes and feeds."""
    shuffle = random.Random(29)
    issues = [UUID((await api.issue(world, title=f"Issue {n}"))["id"]) for n in range(3)]
    twin_issues = [UUID((await api.issue(world, title=f"Twin {n}"))["id"]) for n in range(3)]
    twin_of = dict(zip(issues, twin_issues, strict=True))
    twins = {new_id(): new_id() for _ in range(5)}

    def history(entry_id: UUID) -> list[CloudEvent]:
        events = []
        for sequence in range(1, shuffle.randint(2, 6)):
            verb = "created" if sequence == 1 else shuffle.choice(["updated", "deleted"])
            issue_id = shuffle.choice([*issues, None])
            seconds = shuffle.randint(1, 9) * 600
            events.append(
                entry_event(
                    verb, world, entry_id, issue_id=issue_id, seconds=seconds, sequence=sequence
                )
            )
        return events

    one_by_one = [event for entry_id in twins for event in history(entry_id)]
    one_by_one += [republished(event) for event in shuffle.sample(one_by_one, 6)]
    shuffle.shuffle(one_by_one)
    for event in one_by_one:
        await seeder.deliver(event)

    def twin(event: CloudEvent) -> CloudEvent:
        issue_id = event.data["issue_id"]
        data = {
            **event.data,
            "entry_id": str(twins[UUID(event.data["entry_id"])]),
            "issue_id": None if issue_id is None else str(twin_of[UUID(issue_id)]),
        }
        return event.model_copy(update={"data": data})

    batched = [twin(event) for event in one_by_one]
    while batched:
        size = shuffle.randint(1, 10)
        async with sessionmaker.begin() as session:
            await on_entry.apply(session, batched[:size])
        del batched[:size]

    for issue_id, twin_id in twin_of.items():
        assert await _left(sessionmaker, twin_id) == await _left(sessionmaker, issue_id)
