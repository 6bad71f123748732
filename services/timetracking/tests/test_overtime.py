"""Overtime as plain functions: expected time on working days, time off, balance, weeks."""

from __future__ import annotations

from datetime import date

import pytest

from worksync.timetracking.overtime import (
    DayOvertime,
    daily,
    expected_seconds,
    total,
    weekly,
)

pytestmark = pytest.mark.fast

HOURS_8 = 8 * 3600


def test_weekdays_expect_the_working_hours_weekends_nothing() -> None:
    assert expected_seconds(date(2024, 5, 6), HOURS_8) == HOURS_8
    assert expected_seconds(date(2024, 5, 11), HOURS_8) == 0
    assert expected_seconds(date(2024, 5, 11), HOURS_8, frozenset({5})) == HOURS_8


def test_time_off_reduces_the_expected_time_never_below_zero() -> None:
    day = date(2024, 5, 6)
    assert expected_seconds(day, HOURS_8, time_off={day: 4 * 3600}) == 4 * 3600
    assert expected_seconds(day, HOURS_8, time_off={day: 10 * 3600}) == 0


def test_the_balance_runs_over_the_days() -> None:
    worked = {date(2024, 5, 6): 9 * 3600, date(2024, 5, 7): 7 * 3600, date(2024, 5, 11): 3600}
    days = daily(date(2024, 5, 6), date(2024, 5, 12), worked, HOURS_8)
    assert [d.overtime_seconds for d in days] == [
        3600,
        -3600,
        -HOURS_8,
        -HOURS_8,
        -HOURS_8,
        3600,
        0,
    ]
    assert [d.balance_seconds for d in days][-1] == 3600 - 3600 - 3 * HOURS_8 + 3600
    summed = total(days)
    assert (summed.expected_seconds, summed.worked_seconds) == (5 * HOURS_8, 17 * 3600)
    assert summed.overtime_seconds == days[-1].balance_seconds


def test_weeks_follow_the_week_start_and_are_cut_to_the_range() -> None:
    days = daily(date(2024, 5, 4), date(2024, 5, 14), {}, HOURS_8)
    weeks = weekly(days, "monday")
    assert [(w.first_day, w.last_day) for w in weeks] == [
        (date(2024, 5, 4), date(2024, 5, 5)),
        (date(2024, 5, 6), date(2024, 5, 12)),
        (date(2024, 5, 13), date(2024, 5, 14)),
    ]
    assert [w.expected_seconds for w in weeks] == [0, 5 * HOURS_8, 2 * HOURS_8]
    sundays = weekly(days, "sunday")
    assert sundays[0].first_day == date(2024, 5, 4)
    assert sundays[1].first_day == date(2024, 5, 5)


def test_a_single_day() -> None:
    [day] = daily(date(2024, 5, 6), date(2024, 5, 6), {date(2024, 5, 6): 60}, 0)
    assert day == DayOvertime(date(2024, 5, 6), 0, 60, 60, 60)
