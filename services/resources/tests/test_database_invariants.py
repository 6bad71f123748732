"""The database holds the invariants itself, whatever code writes to it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from psycopg import errors
from sqlalchemy import Executable, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.resources.models import (
    ActualDay,
    Allocation,
    CapacityProfile,
    Conflict,
    TimeOff,
)
from worksync.resources.testing import make_team


async def _refused(
    sessionmaker: async_sessionmaker[AsyncSession],
    error: type[Exception],
    *statements: Executable,
) -> None:
    async with sessionmaker() as session:
        for statement in statements[:-1]:
            await session.execute(statement)
        with pytest.raises(IntegrityError) as raised:
            await session.execute(statements[-1])
    assert isinstance(raised.value.orig, error), raised.value.orig


def _allocation(**values: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "workspace_id": new_id(),
        "user_id": new_id(),
        "project_id": new_id(),
        "hours_per_week": Decimal(10),
        "start_date": date(2026, 1, 5),
        "end_date": date(2026, 1, 30),
        **values,
    }


def _conflict(**values: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "workspace_id": new_id(),
        "user_id": new_id(),
        "start_date": date(2026, 1, 5),
        "end_date": date(2026, 1, 30),
        "capacity_hours_per_week": Decimal(40),
        "allocated_hours_per_week": Decimal(50),
        "over_allocation_percent": Decimal(25),
        "status": "open",
        **values,
    }


async def test_profiles_are_one_per_member_with_sensible_capacity(
    sessionmaker: async_sessionmaker[AsyncSession], seeder: DirectorySeeder
) -> None:
    team = await make_team(seeder)
    ws, user = team.workspace.id, team.member.id
    await _refused(
        sessionmaker,
        errors.UniqueViolation,
        insert(CapacityProfile).values(id=new_id(), workspace_id=ws, user_id=user),
    )
    profile = CapacityProfile.workspace_id == ws
    values: dict[str, Any]
    for values in (
        {"hours_per_week": 0},
        {"hours_per_week": 168.01},
        {"working_days": []},
        {"working_days": [0, 1]},
        {"working_days": [1, 8]},
        {"cost_rate": 10},
        {"cost_rate": -1, "currency": "EUR"},
        {"currency": "eur"},
    ):
        await _refused(
            sessionmaker,
            errors.CheckViolation,
            update(CapacityProfile)
            .where(profile, CapacityProfile.user_id == user)
            .values(**values),
        )


async def test_time_off_never_overlaps_and_stays_in_its_workspace(
    sessionmaker: async_sessionmaker[AsyncSession], seeder: DirectorySeeder
) -> None:
    mine, theirs = await make_team(seeder), await make_team(seeder)
    async with sessionmaker() as session:
        profile_id = await session.scalar(
            select(CapacityProfile.id).where(CapacityProfile.user_id == mine.member.id)
        )

    def period(start: date, end: date, workspace_id: Any = mine.workspace.id) -> Executable:
        return insert(TimeOff).values(
            id=new_id(),
            workspace_id=workspace_id,
            profile_id=profile_id,
            start_date=start,
            end_date=end,
        )

    await _refused(sessionmaker, errors.CheckViolation, period(date(2026, 3, 10), date(2026, 3, 9)))
    await _refused(
        sessionmaker,
        errors.ExclusionViolation,
        period(date(2026, 3, 1), date(2026, 3, 10)),
        period(date(2026, 3, 10), date(2026, 3, 12)),
    )
    await _refused(
        sessionmaker,
        errors.ForeignKeyViolation,
        period(date(2026, 3, 1), date(2026, 3, 2), workspace_id=theirs.workspace.id),
    )


async def test_allocations_and_conflicts_are_checked(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    values: dict[str, Any]
    for values in (
        {"hours_per_week": 0},
        {"hours_per_week": 169},
        {"end_date": date(2026, 1, 4)},
        {"notes": "x" * 5001},
    ):
        await _refused(
            sessionmaker, errors.CheckViolation, insert(Allocation).values(**_allocation(**values))
        )
    for values in (
        {"allocated_hours_per_week": Decimal(40)},
        {"status": "snoozed"},
        {"status": "resolved"},
        {"status": "ignored"},
        {"capacity_hours_per_week": 0},
        {"over_allocation_percent": None},
        {"end_date": date(2026, 1, 4)},
    ):
        await _refused(
            sessionmaker, errors.CheckViolation, insert(Conflict).values(**_conflict(**values))
        )


async def test_actual_days_belong_to_an_entry_and_count_time(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    day = {
        "entry_id": new_id(),
        "day": date(2026, 1, 5),
        "seconds": 60,
        "workspace_id": new_id(),
        "user_id": new_id(),
        "project_id": new_id(),
    }
    await _refused(sessionmaker, errors.ForeignKeyViolation, insert(ActualDay).values(**day))
    await _refused(
        sessionmaker, errors.CheckViolation, insert(ActualDay).values(**{**day, "seconds": 0})
    )
