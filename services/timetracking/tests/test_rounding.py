"""Rounding as plain functions: every case the issue says must hold, local wall-clock steps,
clock changes, breaks and the zero case. No database, no broker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from worksync.timetracking.rounding import (
    Rounded,
    Rounding,
    RoundingMode,
    Step,
    round_entry,
    round_instant,
    round_seconds,
)

pytestmark = pytest.mark.fast

BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")

UP, DOWN, NEAREST = RoundingMode.UP, RoundingMode.DOWN, RoundingMode.NEAREST


def minutes(value: float) -> int:
    return int(value * 60)


def at(zone: ZoneInfo, hour: int, minute: int, day: int = 4) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=zone).astimezone(UTC)


def test_duration_up_bills_an_hour_and_keeps_46_raw_minutes() -> None:
    started, ended = at(BERLIN, 9, 7), at(BERLIN, 9, 53)
    raw = int((ended - started).total_seconds())
    rounded = round_entry(Rounding(duration=Step(15, UP)), BERLIN, raw, started, ended)
    assert raw == minutes(46)
    assert rounded.duration_seconds == minutes(60)
    assert rounded.started_at == started
    assert rounded.ended_at == at(BERLIN, 10, 7)


@pytest.mark.parametrize(
    ("worked", "billed"),
    [(52, 45), (53, 60), (52.5, 60), (52.49, 45), (7.5, 15), (0.5, 0)],
)
def test_nearest_rounds_a_half_step_up(worked: float, billed: int) -> None:
    assert round_seconds(int(worked * 60), Step(15, NEAREST)) == minutes(billed)


def test_down_59_minutes_bill_45() -> None:
    assert round_seconds(minutes(59), Step(15, DOWN)) == minutes(45)


@pytest.mark.parametrize("mode", list(RoundingMode))
def test_a_multiple_of_the_step_stays(mode: RoundingMode) -> None:
    assert round_seconds(minutes(45), Step(15, mode)) == minutes(45)


def test_up_rounds_a_second_past_a_step_to_the_next() -> None:
    assert round_seconds(minutes(45) + 1, Step(15, UP)) == minutes(60)


def test_kolkata_begin_down_end_up_on_local_hours() -> None:
    started, ended = at(KOLKATA, 9, 10), at(KOLKATA, 9, 50)
    rounding = Rounding(begin=Step(60, DOWN), end=Step(60, UP))
    rounded = round_entry(rounding, KOLKATA, minutes(40), started, ended)
    assert rounded.started_at is not None
    assert rounded.ended_at is not None
    assert rounded.started_at.astimezone(KOLKATA).replace(tzinfo=None) == datetime(
        2026, 11, 4, 9, 0
    )
    assert rounded.ended_at.astimezone(KOLKATA).replace(tzinfo=None) == datetime(2026, 11, 4, 10, 0)
    assert rounded.duration_seconds == minutes(60)
    # In UTC steps the begin would have been 08:30 local: the steps are local ones.
    assert rounded.started_at != started.replace(minute=0)


def test_begin_rounding_moves_only_the_begin_and_adds_to_the_duration() -> None:
    started, ended = at(BERLIN, 9, 7), at(BERLIN, 9, 53)
    rounded = round_entry(Rounding(begin=Step(15, DOWN)), BERLIN, minutes(46), started, ended)
    assert rounded == Rounded(at(BERLIN, 9, 0), ended, minutes(53))


def test_end_rounding_up_moves_only_the_end() -> None:
    started, ended = at(BERLIN, 9, 7), at(BERLIN, 9, 53)
    rounded = round_entry(Rounding(end=Step(15, UP)), BERLIN, minutes(46), started, ended)
    assert rounded == Rounded(started, at(BERLIN, 10, 0), minutes(53))


def test_unpaid_breaks_stay_out_of_the_rounded_duration() -> None:
    started, ended = at(BERLIN, 9, 0), at(BERLIN, 10, 0)
    # 60 minutes with a 25 minute unpaid break: 35 worked, billed 45.
    rounded = round_entry(Rounding(duration=Step(15, UP)), BERLIN, minutes(35), started, ended)
    assert rounded.duration_seconds == minutes(45)
    assert rounded.ended_at == at(BERLIN, 10, 10)


def test_zero_is_kept_for_a_duration_rounded_away() -> None:
    started, ended = at(BERLIN, 9, 0), at(BERLIN, 9, 5)
    rounded = round_entry(Rounding(duration=Step(15, NEAREST)), BERLIN, minutes(5), started, ended)
    assert rounded == Rounded(started, started, 0)


def test_zero_when_the_begin_rounds_up_past_the_end() -> None:
    started, ended = at(BERLIN, 9, 7), at(BERLIN, 9, 10)
    rounded = round_entry(Rounding(begin=Step(15, UP)), BERLIN, minutes(3), started, ended)
    assert rounded == Rounded(at(BERLIN, 9, 15), at(BERLIN, 9, 15), 0)


def test_a_duration_only_entry_rounds_its_duration_and_has_no_edges() -> None:
    rounded = round_entry(Rounding(duration=Step(15, UP)), BERLIN, minutes(46))
    assert rounded == Rounded(None, None, minutes(60))
    edges_only = round_entry(Rounding(begin=Step(15, UP)), BERLIN, minutes(46))
    assert edges_only == Rounded(None, None, minutes(46))


def test_no_rounding_keeps_everything() -> None:
    started, ended = at(BERLIN, 9, 7), at(BERLIN, 9, 53)
    assert round_entry(Rounding(), BERLIN, minutes(46), started, ended) == Rounded(
        started, ended, minutes(46)
    )


def test_steps_count_from_local_midnight() -> None:
    # A step of 7 minutes: 09:10 local is 550 minutes after midnight, 546 rounded down.
    rounded = round_instant(at(BERLIN, 9, 10), BERLIN, Step(7, DOWN))
    assert rounded == at(BERLIN, 9, 6)


def test_a_day_long_step_rounds_down_to_local_midnight() -> None:
    assert round_instant(at(KOLKATA, 3, 0), KOLKATA, Step(1440, DOWN)) == at(KOLKATA, 0, 0)


def test_rounding_up_into_the_skipped_hour_lands_on_the_jump() -> None:
    # Berlin, 29 March 2026: 02:00 becomes 03:00. 01:50 CET rounded up by 15 is the jump.
    moment = datetime(2026, 3, 29, 0, 50, tzinfo=UTC)
    rounded = round_instant(moment, BERLIN, Step(15, UP))
    assert rounded == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert rounded.astimezone(BERLIN).hour == 3


def test_rounding_in_the_repeated_hour_keeps_its_occurrence() -> None:
    # Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:20 CET (the second) is 01:20 UTC.
    moment = datetime(2026, 10, 25, 1, 20, tzinfo=UTC)
    rounded = round_instant(moment, BERLIN, Step(15, DOWN))
    assert rounded == datetime(2026, 10, 25, 1, 15, tzinfo=UTC)


@pytest.mark.parametrize("hour", range(24))
def test_down_never_later_and_up_never_earlier_across_a_clock_change(hour: int) -> None:
    for day in (datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 10, 25, tzinfo=UTC)):
        moment = day + timedelta(hours=hour, minutes=37)
        for step in (15, 45, 135):
            assert round_instant(moment, BERLIN, Step(step, DOWN)) <= moment
            assert round_instant(moment, BERLIN, Step(step, UP)) >= moment


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"duration": {"step_minutes": 15, "mode": "up"}}, Rounding(duration=Step(15, UP))),
        (
            {
                "begin": {"step_minutes": 60, "mode": "down"},
                "end": {"step_minutes": 60, "mode": "up"},
                "duration": None,
            },
            Rounding(begin=Step(60, DOWN), end=Step(60, UP)),
        ),
        ({"end": {"step_minutes": 5, "mode": "nearest"}}, Rounding(end=Step(5, NEAREST))),
        ({"begin": None, "end": None, "duration": None}, Rounding()),
        (None, Rounding()),
        ({"duration": {"step_minutes": 15, "mode": "sideways"}}, Rounding()),
        ({"duration": {"step_minutes": 0, "mode": "up"}}, Rounding()),
        ({"duration": {"step_minutes": 1441, "mode": "up"}}, Rounding()),
        ({"middle": {"step_minutes": 15, "mode": "up"}}, Rounding()),
    ],
)
def test_a_rule_is_read_place_by_place(rule: dict[str, object] | None, expected: Rounding) -> None:
    assert Rounding.of_rule(rule) == expected


@pytest.mark.parametrize("bad", [0, -1, 1441])
def test_a_step_lasts_a_minute_to_a_day(bad: int) -> None:
    with pytest.raises(ValueError, match="a step lasts"):
        Step(bad, UP)
