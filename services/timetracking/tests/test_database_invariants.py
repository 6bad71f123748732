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
         duration_seconds, source, timezone, sort_at, rounded_started_at, rounded_ended_at,
         rounded_duration_seconds, rounding_begin_step_minutes, rounding_begin_mode,
         rounding_duration_step_minutes, rounding_duration_mode, rounding_source)
    VALUES (:id, :workspace_id, :project_id, :user_id, :work_date,
            CAST(:started_at AS timestamptz), CAST(:ended_at AS timestamptz),
            :duration_seconds, :source, 'UTC', COALESCE(CAST(:started_at AS timestamptz), now()),
            CAST(:rounded_started_at AS timestamptz), CAST(:rounded_ended_at AS timestamptz),
            :rounded_duration_seconds, :rounding_begin_step_minutes, :rounding_begin_mode,
            :rounding_duration_step_minutes, :rounding_duration_mode, :rounding_source)
    """
)


def row(user_id: UUID, **values: Any) -> dict[str, Any]:
    """An entry's columns; unless `values` say otherwise, rounded as it is (no rule)."""
    raw = {
        "id": new_id(),
        "workspace_id": new_id(),
        "project_id": new_id(),
        "user_id": user_id,
        "work_date": "2024-05-06",
        "started_at": None,
        "ended_at": None,
        "duration_seconds": None,
        "source": "manual",
        "rounding_begin_step_minutes": None,
        "rounding_begin_mode": None,
        "rounding_duration_step_minutes": None,
        "rounding_duration_mode": None,
        "rounding_source": "workspace",
        **values,
    }
    return {
        "rounded_started_at": raw["started_at"] if raw["ended_at"] else None,
        "rounded_ended_at": raw["ended_at"],
        "rounded_duration_seconds": raw["duration_seconds"],
        **raw,
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


ROUNDED_DURATION = "ck_time_entries_rounded_duration"
ROUNDED_EDGES = "ck_time_entries_rounded_edges"
BEGIN_RULE = "ck_time_entries_rounding_begin_rule"
DURATION_RULE = "ck_time_entries_rounding_duration_rule"
TEN_TO_ELEVEN = {
    "started_at": "2024-05-06T10:00:00Z",
    "ended_at": "2024-05-06T11:00:00Z",
    "duration_seconds": 3600,
}


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
        ({"duration_seconds": 60, "rounded_duration_seconds": None}, ROUNDED_DURATION),
        ({"duration_seconds": 60, "rounded_duration_seconds": -1}, ROUNDED_DURATION),
        (
            {
                "started_at": "2024-05-06T10:00:00Z",
                "source": "timer",
                "rounded_duration_seconds": 0,
            },
            ROUNDED_DURATION,
        ),
        ({**TEN_TO_ELEVEN, "rounded_started_at": None}, ROUNDED_EDGES),
        ({**TEN_TO_ELEVEN, "rounded_ended_at": None}, ROUNDED_EDGES),
        ({**TEN_TO_ELEVEN, "rounded_ended_at": "2024-05-06T09:59:59Z"}, ROUNDED_EDGES),
        ({"duration_seconds": 60, "rounded_started_at": "2024-05-06T10:00:00Z"}, ROUNDED_EDGES),
        ({"duration_seconds": 60, "rounding_duration_step_minutes": 15}, DURATION_RULE),
        ({"duration_seconds": 60, "rounding_begin_mode": "up"}, BEGIN_RULE),
        (
            {
                "duration_seconds": 60,
                "rounding_duration_step_minutes": 1441,
                "rounding_duration_mode": "up",
            },
            DURATION_RULE,
        ),
        (
            {
                "duration_seconds": 60,
                "rounding_begin_step_minutes": 15,
                "rounding_begin_mode": "sideways",
            },
            BEGIN_RULE,
        ),
        (
            {
                "duration_seconds": 60,
                "rounding_duration_step_minutes": 0,
                "rounding_duration_mode": "up",
            },
            DURATION_RULE,
        ),
        (
            {"duration_seconds": 60, "rounding_source": "someone"},
            "ck_time_entries_rounding_source",
        ),
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


async def test_breaks_of_an_entry_do_not_overlap(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    entry = row(
        new_id(),
        started_at="2024-05-06T09:00:00Z",
        ended_at="2024-05-06T12:00:00Z",
        duration_seconds=3600,
    )
    pause = text(
        "INSERT INTO timetracking.breaks (id, entry_id, started_at, ended_at) "
        "VALUES (:id, :entry_id, CAST(:started AS timestamptz), CAST(:ended AS timestamptz))"
    )
    async with sessionmaker() as session:
        await session.execute(INSERT, entry)
        for started, ended in (("10:00", "10:30"), ("10:30", "11:00")):
            await session.execute(
                pause,
                {
                    "id": new_id(),
                    "entry_id": entry["id"],
                    "started": f"2024-05-06T{started}:00Z",
                    "ended": f"2024-05-06T{ended}:00Z",
                },
            )
        with pytest.raises(IntegrityError) as raised:
            await session.execute(
                pause,
                {
                    "id": new_id(),
                    "entry_id": entry["id"],
                    "started": "2024-05-06T10:59:00Z",
                    "ended": "2024-05-06T11:10:00Z",
                },
            )
        await session.rollback()
    assert isinstance(raised.value.orig, errors.ExclusionViolation)
    assert raised.value.orig.diag.constraint_name == "ex_breaks_no_overlap"


SHEET = text(
    """
    INSERT INTO timetracking.timesheets
        (id, workspace_id, user_id, period_start, period_end, state, submitted_at,
         decided_by, comment)
    VALUES (:id, :workspace_id, :user_id, :period_start, :period_end, :state,
            CAST(:submitted_at AS timestamptz), :decided_by, :comment)
    """
)


def sheet(user_id: UUID, **values: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "workspace_id": new_id(),
        "user_id": user_id,
        "period_start": "2024-05-06",
        "period_end": "2024-05-12",
        "state": "submitted",
        "submitted_at": "2024-05-13T09:00:00Z",
        "decided_by": None,
        "comment": None,
        **values,
    }


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"period_end": "2024-05-05"}, "ck_timesheets_period_in_order"),
        ({"state": "lost"}, "ck_timesheets_state"),
        ({"state": "rejected", "decided_by": "self"}, "ck_timesheets_rejected_has_comment"),
        ({"submitted_at": None}, "ck_timesheets_submitted_has_time"),
        ({"state": "approved", "decided_by": "self"}, "ck_timesheets_approved_by_another"),
        ({"state": "approved"}, "ck_timesheets_approved_by_another"),
    ],
)
async def test_timesheets_are_checked(
    sessionmaker: async_sessionmaker[AsyncSession], values: dict[str, Any], constraint: str
) -> None:
    user = new_id()
    if values.get("decided_by") == "self":
        values = {**values, "decided_by": user}
    async with sessionmaker() as session:
        with pytest.raises(IntegrityError) as raised:
            await session.execute(SHEET, sheet(user, **values))
        await session.rollback()
    assert isinstance(raised.value.orig, errors.CheckViolation)
    assert raised.value.orig.diag.constraint_name == constraint


async def test_one_timesheet_per_user_and_period(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first = sheet(new_id())
    async with sessionmaker() as session:
        await session.execute(SHEET, first)
        with pytest.raises(IntegrityError) as raised:
            await session.execute(SHEET, {**first, "id": new_id()})
        await session.rollback()
    assert isinstance(raised.value.orig, errors.UniqueViolation)
    assert (
        raised.value.orig.diag.constraint_name == "uq_timesheets_workspace_id_user_id_period_start"
    )


REQUEST = text(
    """
    INSERT INTO timetracking.modification_requests
        (id, workspace_id, entry_id, user_id, requested_by, action, reason, state, decided_by,
         comment)
    VALUES (:id, :workspace_id, :entry_id, :user_id, :user_id, :action, 'why', :state,
            :decided_by, :comment)
    """
)


@pytest.mark.parametrize(
    ("values", "error", "constraint"),
    [
        ({"action": "move"}, errors.CheckViolation, "ck_modification_requests_action"),
        (
            {"state": "accepted"},
            errors.CheckViolation,
            "ck_modification_requests_decided_unless_pending",
        ),
        (
            {"state": "declined", "decided_by": "other"},
            errors.CheckViolation,
            "ck_modification_requests_declined_has_comment",
        ),
        (
            {"state": "accepted", "decided_by": "self"},
            errors.CheckViolation,
            "ck_modification_requests_decided_by_another",
        ),
        ({}, errors.UniqueViolation, "uq_modification_requests_pending_entry_id"),
    ],
)
async def test_modification_requests_are_checked(
    sessionmaker: async_sessionmaker[AsyncSession],
    values: dict[str, Any],
    error: type[Exception],
    constraint: str,
) -> None:
    user = new_id()
    decided = {"self": user, "other": new_id(), None: None}[values.get("decided_by")]
    pending = {
        "id": new_id(),
        "workspace_id": new_id(),
        "entry_id": new_id(),
        "user_id": user,
        "action": "delete",
        "state": "pending",
        "decided_by": None,
        "comment": None,
    }
    async with sessionmaker() as session:
        await session.execute(REQUEST, pending)
        with pytest.raises(IntegrityError) as raised:
            await session.execute(
                REQUEST, {**pending, "id": new_id(), **values, "decided_by": decided}
            )
        await session.rollback()
    orig = raised.value.orig
    assert isinstance(orig, error)
    assert isinstance(orig, errors.IntegrityError)
    assert orig.diag.constraint_name == constraint
