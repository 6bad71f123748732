"""Consumed events through the HANDLERS map: membership -> capacity profiles, timetracking
entries -> actual hours. Delivered twice, republished and out of order: only news counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.timetracking_events import entry_event
from worksync.common.testing.workspace_events import member_event, republished
from worksync.resources.models import ActualDay, ActualEntry, CapacityProfile
from worksync.resources.testing import Team, member_entry_event, outbox_events


async def _profile(
    sessionmaker: async_sessionmaker[AsyncSession], workspace_id: UUID, user_id: UUID
) -> CapacityProfile | None:
    async with sessionmaker() as session:
        return await session.scalar(
            select(CapacityProfile).where(
                CapacityProfile.workspace_id == workspace_id, CapacityProfile.user_id == user_id
            )
        )


def _member(verb: str, team: Team, user_id: UUID, sequence: int) -> CloudEvent:
    return member_event(verb, team.workspace.id, user_id, role="member", sequence=sequence)


async def test_joining_creates_one_profile_however_often_it_arrives(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user_id = new_id()
    added = _member("added", team, user_id, 1)
    for event in (added, added, republished(added)):
        await seeder.deliver(event)
    profile = await _profile(sessionmaker, team.workspace.id, user_id)
    assert profile is not None
    assert (profile.hours_per_week, profile.working_days, profile.is_active) == (
        Decimal(40),
        [1, 2, 3, 4, 5],
        True,
    )
    events = await outbox_events(sessionmaker, profile.id)
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("resources.capacity_profile.created", 1)
    ]
    # Nobody acted: the workspace service's event did.
    assert "actorid" not in events[0]


async def test_leaving_deactivates_and_returning_reactivates(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user_id = new_id()
    await seeder.deliver(_member("added", team, user_id, 1))
    await seeder.deliver(_member("removed", team, user_id, 2))
    profile = await _profile(sessionmaker, team.workspace.id, user_id)
    assert profile is not None
    assert profile.is_active is False
    # A late copy of the old addition brings nothing back.
    await seeder.deliver(republished(_member("added", team, user_id, 1)))
    await seeder.deliver(republished(_member("updated", team, user_id, 1)))
    profile = await _profile(sessionmaker, team.workspace.id, user_id)
    assert profile is not None
    assert profile.is_active is False
    await seeder.deliver(_member("added", team, user_id, 3))
    profile = await _profile(sessionmaker, team.workspace.id, user_id)
    assert profile is not None
    assert profile.is_active is True
    events = await outbox_events(sessionmaker, profile.id)
    assert [(e["type"], e["data"]["is_active"]) for e in events] == [
        ("resources.capacity_profile.created", True),
        ("resources.capacity_profile.updated", False),
        ("resources.capacity_profile.updated", True),
    ]
    assert [e["sequence"] for e in events] == [1, 2, 3]


async def test_an_update_overtaking_its_addition_still_creates_the_profile(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user_id = new_id()
    await seeder.deliver(_member("updated", team, user_id, 2))
    await seeder.deliver(_member("added", team, user_id, 1))
    profile = await _profile(sessionmaker, team.workspace.id, user_id)
    assert profile is not None
    assert profile.is_active
    assert len(await outbox_events(sessionmaker, profile.id)) == 1


async def test_a_removal_overtaking_its_addition_creates_nothing(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user_id = new_id()
    await seeder.deliver(_member("removed", team, user_id, 2))
    await seeder.deliver(_member("added", team, user_id, 1))
    assert await _profile(sessionmaker, team.workspace.id, user_id) is None


async def test_an_update_leaves_a_deactivated_profile_inactive(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await seeder.set_member(team.workspace, team.member, role="member")
    profile = await _profile(sessionmaker, team.workspace.id, team.member.id)
    assert profile is not None
    async with sessionmaker.begin() as session:
        stored = await session.get(CapacityProfile, profile.id)
        assert stored is not None
        stored.is_active = False
    await seeder.set_member(team.workspace, team.member, role="admin")
    profile = await _profile(sessionmaker, team.workspace.id, team.member.id)
    assert profile is not None
    assert profile.is_active is False


async def _actuals(
    sessionmaker: async_sessionmaker[AsyncSession], entry_id: UUID
) -> tuple[ActualEntry | None, list[tuple[date, int]]]:
    async with sessionmaker() as session:
        entry = await session.get(ActualEntry, entry_id)
        days = await session.execute(
            select(ActualDay.day, ActualDay.seconds)
            .where(ActualDay.entry_id == entry_id)
            .order_by(ActualDay.day)
        )
        return entry, [(row.day, row.seconds) for row in days]


MONDAY, TUESDAY = date(2026, 1, 5), date(2026, 1, 6)


async def test_entries_become_days_newest_sequence_wins(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    entry_id = new_id()
    # Across midnight: two days.
    created = member_entry_event(team, entry_id, "created", 1, (MONDAY, 7200), (TUESDAY, 1800))
    await seeder.deliver(created)
    await seeder.deliver(created)
    entry, days = await _actuals(sessionmaker, entry_id)
    assert entry is not None
    assert (entry.sequence, entry.deleted) == (1, False)
    assert days == [(MONDAY, 7200), (TUESDAY, 1800)]

    await seeder.deliver(member_entry_event(team, entry_id, "updated", 3, (TUESDAY, 3600)))
    # An older update arriving late changes nothing.
    await seeder.deliver(member_entry_event(team, entry_id, "updated", 2, (MONDAY, 99)))
    entry, days = await _actuals(sessionmaker, entry_id)
    assert entry is not None
    assert entry.sequence == 3
    assert days == [(TUESDAY, 3600)]


async def test_deletion_leaves_a_tombstone_that_late_events_cannot_revive(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    entry_id = new_id()
    # The deletion arrives first; the creation and update it overtook come later.
    await seeder.deliver(member_entry_event(team, entry_id, "deleted", 3, (MONDAY, 600)))
    await seeder.deliver(member_entry_event(team, entry_id, "created", 1, (MONDAY, 600)))
    await seeder.deliver(member_entry_event(team, entry_id, "updated", 2, (MONDAY, 900)))
    entry, days = await _actuals(sessionmaker, entry_id)
    assert entry is not None
    assert (entry.sequence, entry.deleted) == (3, True)
    assert days == []

    other_id = new_id()
    await seeder.deliver(member_entry_event(team, other_id, "created", 1, (MONDAY, 600)))
    await seeder.deliver(member_entry_event(team, other_id, "deleted", 2, (MONDAY, 600)))
    await seeder.deliver(
        republished(member_entry_event(team, other_id, "created", 1, (MONDAY, 600)))
    )
    entry, days = await _actuals(sessionmaker, other_id)
    assert entry is not None
    assert entry.deleted
    assert days == []


async def test_an_update_moves_the_kept_days_to_the_entrys_new_project(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    entry_id, other_project = new_id(), new_id()
    await seeder.deliver(
        member_entry_event(team, entry_id, "created", 1, (MONDAY, 600), (TUESDAY, 600))
    )
    moved = entry_event(
        "updated",
        entry_id=entry_id,
        workspace_id=team.workspace.id,
        user_id=team.member.id,
        project_id=other_project,
        days=[(TUESDAY, 900)],
        sequence=2,
    )
    await seeder.deliver(moved)
    async with sessionmaker() as session:
        days = await session.execute(
            select(ActualDay.day, ActualDay.seconds, ActualDay.project_id).where(
                ActualDay.entry_id == entry_id
            )
        )
        assert [tuple(row) for row in days] == [(TUESDAY, 900, other_project)]
