"""Overtime: expected against worked (rounded) time per day, week and period, with the
running balance. Plain functions, no I/O.

A day's expected time is the workspace's working hours per day on a working day, less the
time off that day (the hook for resources' time off: `time_off`, seconds per day, empty
until that arrives), never below zero; other days expect nothing. Overtime is worked less
expected (negative: undertime); the balance runs from the first day of the range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from worksync.timetracking.time_rules import days_from, week_of

# Monday to Friday: the directory holds no working days of the workspace yet.
DEFAULT_WORKING_WEEKDAYS = frozenset(range(5))


@dataclass(frozen=True)
class DayOvertime:
    day: date
    expected_seconds: int
    worked_seconds: int
    overtime_seconds: int
    balance_seconds: int


@dataclass(frozen=True)
class SpanOvertime:
    first_day: date
    last_day: date
    expected_seconds: int
    worked_seconds: int
    overtime_seconds: int


def expected_seconds(
    day: date,
    seconds_per_day: int,
    working_weekdays: frozenset[int] = DEFAULT_WORKING_WEEKDAYS,
    time_off: Mapping[date, int] | None = None,
) -> int:
    """What a day expects: the working time on a working day, less its time off."""
    if day.weekday() not in working_weekdays:
        return 0
    return max(seconds_per_day - (time_off or {}).get(day, 0), 0)


def daily(
    first: date,
    last: date,
    worked: Mapping[date, int],
    seconds_per_day: int,
    working_weekdays: frozenset[int] = DEFAULT_WORKING_WEEKDAYS,
    time_off: Mapping[date, int] | None = None,
) -> list[DayOvertime]:
    """Every day from `first` to `last` with its expected, worked, overtime and balance."""
    balance = 0
    result = []
    for day in days_from(first, last):
        expected = expected_seconds(day, seconds_per_day, working_weekdays, time_off)
        done = worked.get(day, 0)
        balance += done - expected
        result.append(DayOvertime(day, expected, done, done - expected, balance))
    return result


def total(days: Sequence[DayOvertime]) -> SpanOvertime:
    """The sums of `days` (not empty)."""
    expected = sum(day.expected_seconds for day in days)
    worked = sum(day.worked_seconds for day in days)
    return SpanOvertime(days[0].day, days[-1].day, expected, worked, worked - expected)


def weekly(days: Sequence[DayOvertime], week_start: str) -> list[SpanOvertime]:
    """`days` summed per week (weeks beginning on `week_start`; the first and last week
    cut to the range)."""
    weeks: dict[date, list[DayOvertime]] = {}
    for day in days:
        weeks.setdefault(week_of(day.day, week_start)[0], []).append(day)
    return [total(members) for _, members in sorted(weeks.items())]
