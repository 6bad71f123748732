"""`workspace.staff.*` -> staff skills: delivered twice, republished and out of order, only
news counts; a deactivated or deleted profile contributes nothing; workspaces stay apart."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.ids import new_id
from worksync.common.ops.rebuild import clear
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.workspace_events import republished
from worksync.resources.messaging.republish import OPERATIONS
from worksync.resources.models import CapacityProfile
from worksync.resources.staff_skills.repository import StaffSkillsRepository
from worksync.resources.testing import Team, staff_event


async def _skills(
    sessionmaker: async_sessionmaker[AsyncSession], workspace_id: UUID
) -> dict[UUID, list[str]]:
    async with sessionmaker() as session:
        return await StaffSkillsRepository(session).skills_by_user(workspace_id)


def _staff(
    verb: str,
    team: Team,
    profile_id: UUID,
    skills: list[str],
    sequence: int,
    *,
    employment_status: str = "active",
) -> CloudEvent:
    return staff_event(
        verb,
        staff_profile_id=profile_id,
        workspace_id=team.workspace.id,
        user_id=team.guest.id,
        skills=skills,
        sequence=sequence,
        employment_status=employment_status,
    )


async def test_duplicates_and_late_events_change_nothing(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    profile_id = new_id()
    created = _staff("created", team, profile_id, ["Rust"], 1)
    updated = _staff("updated", team, profile_id, ["Go", "SQL"], 2)
    for event in (updated, created, created, republished(created), updated):
        await seeder.deliver(event)
    await seeder.deliver(_staff("transferred", team, profile_id, ["Rust"], 2))
    assert (await _skills(sessionmaker, team.workspace.id))[team.guest.id] == ["Go", "SQL"]
    await seeder.deliver(_staff("transferred", team, profile_id, ["Go", "Rust"], 3))
    assert (await _skills(sessionmaker, team.workspace.id))[team.guest.id] == ["Go", "Rust"]


async def test_a_deactivated_or_deleted_profile_contributes_nothing(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    profile_id = new_id()
    await seeder.deliver(_staff("created", team, profile_id, ["Rust"], 1))
    await seeder.deliver(
        _staff("deactivated", team, profile_id, ["Rust"], 2, employment_status="resigned")
    )
    assert team.guest.id not in await _skills(sessionmaker, team.workspace.id)
    # A late copy of the creation brings nothing back; reactivation (an update) does.
    await seeder.deliver(republished(_staff("created", team, profile_id, ["Rust"], 1)))
    assert team.guest.id not in await _skills(sessionmaker, team.workspace.id)
    await seeder.deliver(_staff("updated", team, profile_id, ["Rust"], 3))
    assert (await _skills(sessionmaker, team.workspace.id))[team.guest.id] == ["Rust"]
    await seeder.deliver(_staff("deleted", team, profile_id, ["Rust"], 4))
    await seeder.deliver(_staff("updated", team, profile_id, ["Rust"], 3))
    assert team.guest.id not in await _skills(sessionmaker, team.workspace.id)
    # The member's next profile counts again.
    await seeder.deliver(_staff("created", team, new_id(), ["Kotlin"], 1))
    assert (await _skills(sessionmaker, team.workspace.id))[team.guest.id] == ["Kotlin"]


async def test_capacity_and_staff_skills_join_ignoring_case(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await seeder.deliver(
        staff_event(
            "created",
            staff_profile_id=new_id(),
            workspace_id=team.workspace.id,
            user_id=team.member.id,
            skills=["python", "Rust"],
            sequence=1,
        )
    )
    async with sessionmaker.begin() as session:
        await session.execute(
            update(CapacityProfile)
            .where(
                CapacityProfile.workspace_id == team.workspace.id,
                CapacityProfile.user_id == team.member.id,
            )
            .values(skills=["Python", "SQL"])
        )
    assert (await _skills(sessionmaker, team.workspace.id))[team.member.id] == [
        "Python",
        "SQL",
        "Rust",
    ]


async def test_another_workspaces_staff_events_never_reach_this_one(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    elsewhere = await seeder.workspace()
    await seeder.deliver(
        staff_event(
            "created",
            staff_profile_id=new_id(),
            workspace_id=elsewhere.id,
            user_id=team.member.id,
            skills=["Rust"],
            sequence=1,
        )
    )
    assert team.member.id not in await _skills(sessionmaker, team.workspace.id)
    assert (await _skills(sessionmaker, elsewhere.id))[team.member.id] == ["Rust"]


async def test_a_rebuild_clears_the_projection_for_republished_snapshots(
    team: Team, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    projection = OPERATIONS.projection("staff_skills")
    assert projection is not None
    assert list(projection.refilled_by) == ["workspace.staff"]
    profile_id = new_id()
    await seeder.deliver(_staff("created", team, profile_id, ["Rust"], 1))
    await seeder.deliver(_staff("updated", team, profile_id, ["Go"], 2))
    assert await clear(sessionmaker, projection) >= 1
    assert team.guest.id not in await _skills(sessionmaker, team.workspace.id)
    # Workspace republishes the profile as `updated` at its current version.
    await seeder.deliver(republished(_staff("updated", team, profile_id, ["Go"], 2)))
    assert (await _skills(sessionmaker, team.workspace.id))[team.guest.id] == ["Go"]
