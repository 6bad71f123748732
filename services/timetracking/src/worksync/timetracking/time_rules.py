"""The time arithmetic of entries, timers and timesheets: plain functions on plain values
(no database, no session, no HTTP), so that every rule here is tested without either.

Reading timestamps and dates in a user's time zone: a timestamp with an offset is taken as
is. A naive one is wall-clock time in the user's zone: one that does not exist there (the
hour skipped when clocks spring forward) is refused, and an ambiguous one (the hour
repeated when they fall back) means its FIRST occurrence (`fold=0`, the earlier instant,
still in summer time). Every instant is kept to whole seconds, so that durations and their
split over days are whole seconds too. An entry's `work_date` is the local date of its start
(a duration-only entry's is given), and it sorts at its start or else at the local midnight
of its work date.

A rule that refuses a value raises `TimeRuleViolation`, naming the request field; the
services answer it as a 422 on that field (`errors.invalid_times`).

Splitting worked seconds over local days is the database's (`entries/repository.py`,
`DAY_SPLIT_SQL`): it does so for many entries at once, with their breaks.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UTC_NAME = "UTC"

# Days (and local times) from year 2 to 9998: far enough from the ends of Python's calendar
# that converting them to any zone, or going a week either way, stays inside it.
FIRST_YEAR, LAST_YEAR = 2, 9998

# No entry may end further ahead than this; nor may a timed one last longer than a month.
FUTURE_LIMIT = timedelta(hours=24)
MAX_TIMED_ENTRY = timedelta(days=31)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class TimeRuleViolation(ValueError):
    """A value the time rules refuse: which request field, why, and the problem code."""

    def __init__(self, field: str, message: str, code: str = "validation_failed") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Pause:
    """A break of an entry: open (`ended_at` None) while its timer is paused."""

    started_at: datetime
    ended_at: datetime | None
    is_paid: bool = False


def whole_seconds(moment: datetime) -> datetime:
    """`moment` truncated (not rounded) to the second."""
    return moment.replace(microsecond=0)


def check_day(day: date, field: str) -> None:
    """Refuses a day too close to the ends of the calendar to compute with."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise TimeRuleViolation(field, f"must lie in the years {FIRST_YEAR} to {LAST_YEAR}")


def instant(value: datetime, zone: ZoneInfo, field: str) -> datetime:
    """`value` as an aware UTC instant in whole seconds; naive values are local time in
    `zone` (refused where the clocks skip them, the first occurrence where they repeat)."""
    check_day(value.date(), field)
    if value.tzinfo is not None and value.utcoffset() is not None:
        return whole_seconds(value.astimezone(UTC))
    local = value.replace(tzinfo=zone, fold=0)
    round_trip = local.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != value:
        raise TimeRuleViolation(
            field,
            f"{value.isoformat()} does not exist in {zone.key} (the clocks skip it)",
            code="nonexistent_local_time",
        )
    return whole_seconds(local.astimezone(UTC))


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day `moment` falls on in `zone`: a start's is its entry's work_date."""
    return moment.astimezone(zone).date()


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant `day` begins in `zone`."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def sort_instant(started: datetime | None, work_date: date, zone: ZoneInfo) -> datetime:
    """Where an entry sorts: at its start, else at the local midnight of its work date."""
    return started or local_midnight(work_date, zone)


def check_not_future(ended: datetime, now: datetime) -> None:
    if ended > now + FUTURE_LIMIT:
        raise TimeRuleViolation(
            "ended_at", "may be at most 24 hours from now", code="entry_in_future"
        )


def check_work_date(work_date: date, zone: ZoneInfo, now: datetime, field: str) -> None:
    """A duration-only entry's day: computable, and begun at most 24 hours from now."""
    check_day(work_date, field)
    if local_midnight(work_date, zone) > now + FUTURE_LIMIT:
        raise TimeRuleViolation(field, "may be at most 24 hours from now", code="entry_in_future")


def interval(
    started_at: datetime, ended_at: datetime, zone: ZoneInfo, now: datetime
) -> tuple[datetime, datetime]:
    """Both ends as UTC instants: the end after the start, within 31 days of it, and at
    most 24 hours from now."""
    started, ended = instant(started_at, zone, "started_at"), instant(ended_at, zone, "ended_at")
    if ended <= started:
        raise TimeRuleViolation("ended_at", "must be after started_at")
    if ended - started > MAX_TIMED_ENTRY:
        raise TimeRuleViolation("ended_at", "an entry may last 31 days at most")
    check_not_future(ended, now)
    return started, ended


def duration_seconds(started: datetime, ended: datetime) -> int:
    """The seconds from start to end (whole ones, as both ends are)."""
    return int((ended - started).total_seconds())


def worked_seconds(started: datetime, ended: datetime, pauses: Iterable[Pause]) -> int:
    """A finished interval less the unpaid, ended breaks (their part inside it)."""
    unpaid = 0.0
    for pause in pauses:
        if pause.is_paid or pause.ended_at is None:
            continue
        overlap = min(pause.ended_at, ended) - max(pause.started_at, started)
        unpaid += max(overlap.total_seconds(), 0.0)
    return int((ended - started).total_seconds() - unpaid)


def check_worked(seconds: int) -> None:
    """A timed entry must keep at least a second once its breaks are taken out."""
    if seconds < 1:
        raise TimeRuleViolation("ended_at", "nothing is left once the breaks are taken out")


def worked_so_far(started: datetime, until: datetime, pauses: Iterable[Pause]) -> int:
    """A timer's seconds from its start until `until`, less its unpaid breaks (an open one
    up to `until`)."""
    unpaid = 0.0
    for pause in pauses:
        if not pause.is_paid:
            unpaid += ((pause.ended_at or until) - pause.started_at).total_seconds()
    return int((until - started).total_seconds() - unpaid)


def same_local_times(
    started: datetime, ended: datetime, zone: ZoneInfo, work_date: date
) -> tuple[datetime, datetime]:
    """A timed entry moved to begin on `work_date`: naive local times with the same times of
    day it had in `zone`, the end as many days after the start as before."""
    check_day(work_date, "work_date")
    local_start = started.astimezone(zone)
    local_end = ended.astimezone(zone)
    days = local_end.date() - local_start.date()
    try:
        start = datetime.combine(work_date, local_start.time().replace(tzinfo=None))
        end = datetime.combine(work_date + days, local_end.time().replace(tzinfo=None))
    except OverflowError:
        raise TimeRuleViolation("work_date", "out of range") from None
    return start, end


def check_date_range(from_date: date | None, to_date: date | None) -> None:
    """The `from` and `to` of a list or summary: `to` not before `from`."""
    if from_date is not None and to_date is not None and from_date > to_date:
        raise TimeRuleViolation("to", "must not be before from")


def week_of(day: date, week_start: str) -> tuple[date, date]:
    """The first and last day of the week holding `day`, weeks beginning on `week_start`
    (a weekday's English name; anything else is Monday)."""
    start = WEEKDAYS.index(week_start) if week_start in WEEKDAYS else 0
    first = day - timedelta(days=(day.weekday() - start) % 7)
    return first, first + timedelta(days=6)


def days_from(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def is_locked(
    day: date, lockdown_date: date | None, zone: ZoneInfo, grace: timedelta, now: datetime
) -> bool:
    """Whether time on `day` is locked now: the workspace's `lockdown_date` locks it and
    every day before, each once its local end (the midnight after it, in `zone`) plus
    `grace` has passed. A day of the last `grace` stays open, while older days lock at once
    when the date moves forward."""
    if lockdown_date is None or day > lockdown_date or day.year > LAST_YEAR:
        return False
    return now >= local_midnight(day + timedelta(days=1), zone) + grace


# Biweekly periods count pairs of weeks from the week holding this day.
BIWEEKLY_ANCHOR = date(2024, 1, 1)


def period_of(day: date, period: str, week_start: str) -> tuple[date, date]:
    """The first and last day of the timesheet period holding `day`: a calendar month
    (`monthly`), two weeks counted from the week of `BIWEEKLY_ANCHOR` (`biweekly`), else
    the week (`weekly`), weeks beginning on `week_start`."""
    check_day(day, "date")
    if period == "monthly":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    first, last = week_of(day, week_start)
    if period == "biweekly":
        anchor, _ = week_of(BIWEEKLY_ANCHOR, week_start)
        if (first - anchor).days // 7 % 2:
            first -= timedelta(days=7)
        return first, first + timedelta(days=13)
    return first, last


@dataclass(frozen=True)
class MonthSplit:
    """A range of days (either end may be open) as the whole calendar months inside it and
    the days at its ends that fill no whole month: each day of the range in exactly one."""

    # The first days of the first and last whole month (None: open on that side), or None
    # when no whole month lies inside the range.
    months: tuple[date | None, date | None] | None
    # Ranges of days, both ends included.
    days: tuple[tuple[date | None, date | None], ...]


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def split_by_months(first: date | None, last: date | None) -> MonthSplit:
    """`first`..`last` (None: open) as whole months and the days left at its ends."""
    first_whole = None if first is None else _month_index(first) + (first.day != 1)
    last_whole = None if last is None else _month_index(last) - (last != _last_of_month(last))
    if (first_whole is not None and last_whole is not None and first_whole > last_whole) or (
        first_whole is not None and first_whole > _month_index(date.max)
    ):
        return MonthSplit(None, ((first, last),))
    days: list[tuple[date | None, date | None]] = []
    if first is not None and first.day != 1:
        days.append((first, _last_of_month(first)))
    if last is not None and last != _last_of_month(last):
        days.append((last.replace(day=1), last))

    def month(index: int | None) -> date | None:
        return None if index is None else date(index // 12, index % 12 + 1, 1)

    return MonthSplit((month(first_whole), month(last_whole)), tuple(days))
