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


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_known_zone(name: str) -> bool:
    """An IANA zone name zoneinfo knows (from the system or the tzdata package)."""
    return name in _known_zones()


def whole_seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def instant(value: datetime, zone: ZoneInfo, field: str) -> datetime:
    """`value` as an aware UTC instant; naive values are local time in `zone`."""
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
