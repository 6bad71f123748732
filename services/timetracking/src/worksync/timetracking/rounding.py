"""Rounding an entry's time (Kimai-style), without touching its raw times: plain functions on
plain values, no I/O.

A rule is a step in minutes and a mode (up, down, nearest) for each of three places: the
begin, the end and the worked duration, or none where that place is not rounded. The rule
is the project's own if it has one, else its workspace's (`Rounding.of_rule` reads either
as the events carry it); a begin rounded down with an end rounded up is one call.

- Begin and end are rounded on the user's local wall clock, counting steps from local
  midnight: in Asia/Kolkata (+05:30) a step of 60 lands on local full hours, never on UTC
  ones. A rounded wall time the clocks skip is read before the jump (`fold=0`), one they
  repeat keeps the fold of the raw time; a rounding down never lands after the raw
  instant, nor a rounding up before it.
- The rounded duration is the worked (raw) duration plus what the rounded edges add or
  take away, then rounded by the duration step. Nearest rounds a half step up (52:30 →
  60 with a step of 15).
- **Zero.** A rounding may give zero (5 minutes, nearest 15): the entry keeps its raw time
  and counts zero in summaries and budgets. Nothing is refused: the rule was the
  workspace's choice, and the raw time stays visible beside it. A rounded end never lies
  before the rounded begin.
- Duration-only entries (worklogs) have no edges: only the duration step applies to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

MAX_STEP_MINUTES = 1440


class RoundingMode(StrEnum):
    UP = "up"
    DOWN = "down"
    NEAREST = "nearest"


class RoundingPlace(StrEnum):
    BEGIN = "begin"
    END = "end"
    DURATION = "duration"


@dataclass(frozen=True)
class Step:
    """Round to `minutes` (1..1440), `mode`."""

    minutes: int
    mode: RoundingMode

    def __post_init__(self) -> None:
        if not 1 <= self.minutes <= MAX_STEP_MINUTES:
            raise ValueError(f"a step lasts 1 to {MAX_STEP_MINUTES} minutes")


@dataclass(frozen=True)
class Rounding:
    """What to round: each place with its own step, or not at all (None)."""

    begin: Step | None = None
    end: Step | None = None
    duration: Step | None = None

    @classmethod
    def of_rule(cls, rule: Mapping[str, object] | None) -> Rounding:
        """A rule as the workspace's events carry it (`{"begin": {"step_minutes", "mode"} |
        null, "end": ..., "duration": ...}`); no rule, or a place whose step or mode is not
        a known one, rounds nothing (there)."""
        if rule is None:
            return cls()
        return cls(**{place.value: _step_of(rule.get(place.value)) for place in RoundingPlace})

    def places(self) -> dict[RoundingPlace, Step | None]:
        return {
            RoundingPlace.BEGIN: self.begin,
            RoundingPlace.END: self.end,
            RoundingPlace.DURATION: self.duration,
        }


def _step_of(value: object) -> Step | None:
    if not isinstance(value, Mapping):
        return None
    minutes, mode = value.get("step_minutes"), value.get("mode")
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_STEP_MINUTES:
        return None
    if mode not in {known.value for known in RoundingMode}:
        return None
    return Step(minutes, RoundingMode(str(mode)))


@dataclass(frozen=True)
class Rounded:
    """An entry's rounded times: edges only for a timed entry."""

    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int


def round_seconds(seconds: int, step: Step) -> int:
    """`seconds` rounded to a multiple of the step."""
    size = step.minutes * 60
    if step.mode is RoundingMode.DOWN:
        return seconds // size * size
    if step.mode is RoundingMode.UP:
        return -(-seconds // size) * size
    return (seconds + size // 2) // size * size


def round_instant(moment: datetime, zone: ZoneInfo, step: Step) -> datetime:
    """`moment` rounded on the wall clock of `zone`, in steps from local midnight (UTC)."""
    local = moment.astimezone(zone)
    wall = local.replace(tzinfo=None)
    midnight = datetime.combine(wall.date(), time(0))
    since_midnight = int((wall - midnight).total_seconds())
    rounded_wall = midnight + timedelta(seconds=round_seconds(since_midnight, step))
    rounded = rounded_wall.replace(tzinfo=zone, fold=local.fold).astimezone(UTC)
    if step.mode is RoundingMode.DOWN:
        return min(rounded, moment.astimezone(UTC))
    if step.mode is RoundingMode.UP:
        return max(rounded, moment.astimezone(UTC))
    return rounded


def round_entry(
    rounding: Rounding,
    zone: ZoneInfo,
    worked_seconds: int,
    started: datetime | None = None,
    ended: datetime | None = None,
) -> Rounded:
    """A finished entry rounded: a timed one (`started`, `ended`) at its edges and then its
    duration, a duration-only one at its duration."""
    if started is None or ended is None:
        duration = worked_seconds
        if rounding.duration is not None:
            duration = round_seconds(duration, rounding.duration)
        return Rounded(None, None, duration)
    begin = round_instant(started, zone, rounding.begin) if rounding.begin else started
    end = round_instant(ended, zone, rounding.end) if rounding.end else ended
    end = max(end, begin)
    added = int((started - begin).total_seconds() + (end - ended).total_seconds())
    duration = max(worked_seconds + added, 0)
    if rounding.duration is not None:
        rounded = round_seconds(duration, rounding.duration)
        end = max(end + timedelta(seconds=rounded - duration), begin)
        duration = rounded
    return Rounded(begin, end, duration)
