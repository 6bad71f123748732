"""The workspace calendar in working days: Monday to Friday.

The directory holds no holidays or workweek of a workspace (only `week_start`), so every
workspace works Monday to Friday. Days are numbered by how many working days come before
them since 0001-01-01 (a Monday): arithmetic in working days is integer arithmetic.
"""

from __future__ import annotations

from datetime import date, timedelta

WORKING_DAYS_PER_WEEK = 5


def working_index(day: date) -> int:
    """The number of working days before `day` (a weekend day counts as the Monday after)."""
    weeks, weekday = divmod(day.toordinal() - 1, 7)
    return weeks * WORKING_DAYS_PER_WEEK + min(weekday, WORKING_DAYS_PER_WEEK)


def working_day(index: int) -> date:
    """The working day with `index` working days before it."""
    weeks, weekday = divmod(index, WORKING_DAYS_PER_WEEK)
    return date.fromordinal(weeks * 7 + weekday + 1)


def working_days_between(first: date, last: date) -> int:
    """Working days in `[first, last]` (0 when `last` is before `first`)."""
    return max(0, working_index(last + timedelta(days=1)) - working_index(first))
