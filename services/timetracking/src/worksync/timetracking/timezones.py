"""Reading timestamps and dates in a user's time zone.

A timestamp with an offset is taken as is. A naive one is wall-clock time in the user's
zone: one that does not exist there (the hour skipped when clocks spring forward) is
refused, and an ambiguous one (the hour repeated when they fall back) means its FIRST
occurrence (`fold=0`, the earlier instant, still in summer time). Every instant is kept to
whole seconds, so that durations and their split over days are whole seconds too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from worksync.timetracking.errors import invalid_field

UTC_NAME = "UTC"

# Days (and local times) from year 2 to 9998: far enough from the ends of Python's calendar
# that converting them to any zone, or going a week either way, stays inside it.
FIRST_YEAR, LAST_YEAR = 2, 9998


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_known_zone(name: str) -> bool:
    """An IANA zone name zoneinfo knows (from the system or the tzdata package)."""
    return name in _known_zones()


def whole_seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def check_day(day: date, field: str) -> None:
    """A 422 for a day too close to the ends of the calendar to compute with."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise invalid_field(field, f"must lie in the years {FIRST_YEAR} to {LAST_YEAR}")


def instant(value: datetime, zone: ZoneInfo, field: str) -> datetime:
    """`value` as an aware UTC instant; naive values are local time in `zone`."""
    check_day(value.date(), field)
    if value.tzinfo is not None and value.utcoffset() is not None:
        return whole_seconds(value.astimezone(UTC))
    local = value.replace(tzinfo=zone, fold=0)
    round_trip = local.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != value:
        raise invalid_field(
            field,
            f"{value.isoformat()} does not exist in {zone.key} (the clocks skip it)",
            code="nonexistent_local_time",
        )
    return whole_seconds(local.astimezone(UTC))


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
