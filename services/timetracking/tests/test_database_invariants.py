"""The database holds the invariants itself, whatever code writes to it: statements
written by hand that break them are refused, with the constraint's name."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from psycopg import errors
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id

INSERT = text(
    """
    INSERT INTO timetracking.time_entries
        (id, workspace_id, project_id, user_id, work_date, started_at, ended_at,
         duration_seconds, source, timezone, sort_at)
    VALUES (:id, :workspace_id, :project_id, :user_id, :work_date,
            CAST(:started_at AS timestamptz), CAST(:ended_at AS timestamptz),
            :duration_seconds, :source, 'UTC', COALESCE(CAST(:started_at AS timestamptz), now()))
    """
)


def row(user_id: UUID, **values: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "workspace_id": new_id(),
        "project_id": new_id(),
        "user_id": user_id,
        "work_date": "2024-05-06",
        "started_at": None,
        "ended_at": None,
        "duration_seconds": None,
        "source": "manual",
        **values,
    }


async def refused(
    sessionmaker: async_sessionmaker[AsyncSession],
    rows: list[dict[str, Any]],
    error: type[Exception],
    constraint: str | set[str],
) -> None:
    """All rows but the last are fine; the last one breaks `constraint` (or one of them,
    when a row breaks several and Postgres names the first it checked)."""
    async with sessionmaker() as session:
        for values in rows[:-1]:
            await session.execute(INSERT, values)
        with pytest.raises(IntegrityError) as raised:
            await session.execute(INSERT, rows[-1])
        await session.rollback()
    orig = raised.value.orig
    assert isinstance(orig, error), orig
    assert isinstance(orig, errors.IntegrityError)
    names = {constraint} if isinstance(constraint, str) else constraint
    assert orig.diag.constraint_name in names


async def test_one_running_timer_per_user(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    user = new_id()
    await refused(
        sessionmaker,
        [
            row(user, started_at="2024-05-06T09:00:00Z", source="timer"),
            row(user, started_at="2030-05-06T09:00:00Z", source="timer"),
        ],
        errors.UniqueViolation,
        "uq_time_entries_running_timer",
    )


async def test_timed_entries_of_a_user_do_not_overlap(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    user = new_id()
    nine_to_ten = row(
        user,
        started_at="2024-05-06T09:00:00Z",
        ended_at="2024-05-06T10:00:00Z",
        duration_seconds=3600,
    )
    await refused(
        sessionmaker,
        [
            nine_to_ten,
            row(
                user,
                started_at="2024-05-06T09:59:59Z",
                ended_at="2024-05-06T11:00:00Z",
                duration_seconds=1,
            ),
        ],
        errors.ExclusionViolation,
        "ex_time_entries_no_overlap",
    )
    # A running timer reaches into the future: a later entry overlaps it.
    await refused(
        sessionmaker,
        [
            row(user, started_at="2024-05-06T09:00:00Z", source="timer"),
            row(
                user,
                started_at="2024-05-07T09:00:00Z",
                ended_at="2024-05-07T10:00:00Z",
                duration_seconds=60,
            ),
        ],
        errors.ExclusionViolation,
        "ex_time_entries_no_overlap",
    )
    # Touching ends, other users and duration-only entries are fine.
    async with sessionmaker.begin() as session:
        for values in (
            nine_to_ten,
            row(
                user,
                started_at="2024-05-06T10:00:00Z",
                ended_at="2024-05-06T11:00:00Z",
                duration_seconds=3600,
            ),
            row(
                new_id(),
                started_at="2024-05-06T09:00:00Z",
                ended_at="2024-05-06T10:00:00Z",
                duration_seconds=3600,
            ),
            row(user, duration_seconds=60),
            row(user, duration_seconds=60),
        ):
            await session.execute(INSERT, values)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        (
            {"ended_at": "2024-05-06T10:00:00Z", "duration_seconds": 60},
            "ck_time_entries_ends_need_a_start",
        ),
        (
            {
                "started_at": "2024-05-06T10:00:00Z",
                "ended_at": "2024-05-06T10:00:00Z",
                "duration_seconds": 1,
            },
            {"ck_time_entries_ends_after_start", "ck_time_entries_duration_within_interval"},
        ),
        (
            {"started_at": "2024-05-06T10:00:00Z", "ended_at": "2024-05-06T11:00:00Z"},
            "ck_time_entries_finished_has_duration",
        ),
        (
            {
                "started_at": "2024-05-06T10:00:00Z",
                "ended_at": "2024-05-06T11:00:00Z",
                "duration_seconds": 0,
            },
            "ck_time_entries_finished_has_duration",
        ),
        ({}, "ck_time_entries_finished_has_duration"),
        ({"duration_seconds": -5}, "ck_time_entries_finished_has_duration"),
        (
            {
                "started_at": "2024-05-06T10:00:00Z",
                "ended_at": "2024-05-06T11:00:00Z",
                "duration_seconds": 3601,
            },
            "ck_time_entries_duration_within_interval",
        ),
        ({"duration_seconds": 60, "source": "magic"}, "ck_time_entries_source"),
    ],
)
async def test_shapes_and_durations_are_checked(
    sessionmaker: async_sessionmaker[AsyncSession],
    values: dict[str, Any],
    constraint: str | set[str],
) -> None:
    await refused(sessionmaker, [row(new_id(), **values)], errors.CheckViolation, constraint)


async def test_one_open_break_per_entry(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    timer = row(new_id(), started_at="2024-05-06T09:00:00Z", source="timer")
    pause = text(
        "INSERT INTO timetracking.breaks (id, entry_id, started_at) VALUES (:id, :entry_id, now())"
    )
    async with sessionmaker() as session:
        await session.execute(INSERT, timer)
        await session.execute(pause, {"id": new_id(), "entry_id": timer["id"]})
        with pytest.raises(IntegrityError) as raised:
            await session.execute(pause, {"id": new_id(), "entry_id": timer["id"]})
        await session.rollback()
    assert isinstance(raised.value.orig, errors.UniqueViolation)
    assert raised.value.orig.diag.constraint_name == "uq_breaks_open_break"
