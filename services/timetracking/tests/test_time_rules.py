"""The time rules as plain functions: local time and its clock changes, whole seconds,
work dates, local midnights, durations less breaks, weeks. No database, no broker."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from worksync.timetracking.time_rules import (
    FUTURE_LIMIT,
    MAX_TIMED_ENTRY,
    Pause,
    TimeRuleViolation,
    check_date_range,
    check_day,
    check_not_future,
    check_work_date,
    check_worked,
    days_from,
    duration_seconds,
    instant,
    interval,
    is_locked,
    local_date,
    local_midnight,
    period_of,
    same_local_times,
    sort_instant,
    split_by_months,
    week_of,
    whole_seconds,
    worked_seconds,
    worked_so_far,
)

pytestmark = pytest.mark.fast

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# Long after every date below, so that no rule thinks them in the future.
LATER = datetime(2030, 1, 1, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text)


def hours(count: float) -> int:
    return int(count * 3600)


# --- reading local time ------------------------------------------------------------------


def test_a_naive_time_is_wall_clock_time_in_the_users_zone() -> None:
    assert instant(local("2024-05-07T09:00"), BERLIN, "started_at") == utc("2024-05-07T07:00")
    assert instant(local("2024-01-07T09:00"), BERLIN, "started_at") == utc("2024-01-07T08:00")
    assert instant(local("2024-05-07T09:00"), NEW_YORK, "started_at") == utc("2024-05-07T13:00")


def test_a_time_with_an_offset_is_taken_as_it_is_whatever_the_zone() -> None:
    given = datetime(2024, 5, 7, 9, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert instant(given, BERLIN, "started_at") == utc("2024-05-07T03:30")
    assert instant(given, NEW_YORK, "started_at") == utc("2024-05-07T03:30")
    assert instant(given, BERLIN, "started_at").tzinfo is UTC


@pytest.mark.parametrize(
    ("zone", "skipped"),
    [
        (BERLIN, "2024-03-31T02:00"),
        (BERLIN, "2024-03-31T02:30"),
        (BERLIN, "2024-03-31T02:59:59"),
        (NEW_YORK, "2024-03-10T02:30"),
    ],
)
def test_a_local_time_the_clocks_skip_does_not_exist(zone: ZoneInfo, skipped: str) -> None:
    with pytest.raises(TimeRuleViolation) as refused:
        instant(local(skipped), zone, "ended_at")
    assert refused.value.field == "ended_at"
    assert refused.value.code == "nonexistent_local_time"
    assert "does not exist in" in refused.value.message
    assert zone.key in refused.value.message


def test_the_edges_of_the_spring_forward_gap_exist() -> None:
    assert instant(local("2024-03-31T01:59:59"), BERLIN, "started_at") == utc("2024-03-31T00:59:59")
    assert instant(local("2024-03-31T03:00"), BERLIN, "started_at") == utc("2024-03-31T01:00")


def test_an_ambiguous_local_time_means_its_first_occurrence() -> None:
    # 02:30 happens twice on 27 October 2024 in Berlin: at 00:30 UTC (CEST) and 01:30 (CET).
    first = utc("2024-10-27T00:30")
    assert instant(local("2024-10-27T02:30"), BERLIN, "started_at") == first
    # Even a value that asks for the second occurrence gets the first.
    second = local("2024-10-27T02:30").replace(fold=1)
    assert instant(second, BERLIN, "started_at") == first
    assert instant(local("2024-11-03T01:30"), NEW_YORK, "started_at") == utc("2024-11-03T05:30")


def test_every_instant_is_truncated_to_whole_seconds() -> None:
    assert whole_seconds(datetime(2024, 5, 7, 9, 0, 0, 999_999, tzinfo=UTC)) == utc(
        "2024-05-07T09:00:00"
    )
    assert instant(local("2024-05-07T09:00:59.999999"), BERLIN, "started_at") == utc(
        "2024-05-07T07:00:59"
    )
    aware = datetime(2024, 5, 7, 9, 0, 1, 500_000, tzinfo=UTC)
    assert instant(aware, BERLIN, "started_at") == utc("2024-05-07T09:00:01")


# --- days of the calendar --------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2, 1, 1), date(2024, 5, 7), date(9998, 12, 31)])
def test_days_within_the_years_2_to_9998_are_fine(day: date) -> None:
    check_day(day, "work_date")


@pytest.mark.parametrize("day", [date(1, 12, 31), date(9999, 1, 1)])
def test_days_near_the_ends_of_the_calendar_are_refused(day: date) -> None:
    with pytest.raises(TimeRuleViolation) as refused:
        check_day(day, "date")
    assert (refused.value.field, refused.value.code) == ("date", "validation_failed")
    assert refused.value.message == "must lie in the years 2 to 9998"


def test_a_local_time_near_the_end_of_the_calendar_is_refused() -> None:
    with pytest.raises(TimeRuleViolation) as refused:
        instant(datetime(9999, 12, 31, 23, 0), BERLIN, "started_at")
    assert refused.value.field == "started_at"


# --- work dates and local midnights ----------------------------------------------------------


def test_the_work_date_is_the_local_date_in_the_users_zone() -> None:
    started = utc("2024-05-07T23:30")
    assert local_date(started, BERLIN) == date(2024, 5, 8)
    assert local_date(started, NEW_YORK) == date(2024, 5, 7)
    assert local_date(started, ZoneInfo("UTC")) == date(2024, 5, 7)
    assert local_date(utc("2024-05-07T10:30"), ZoneInfo("Pacific/Kiritimati")) == date(2024, 5, 8)


def test_local_midnight_is_where_the_day_begins_in_the_zone() -> None:
    assert local_midnight(date(2024, 5, 8), BERLIN) == utc("2024-05-07T22:00")
    assert local_midnight(date(2024, 1, 8), BERLIN) == utc("2024-01-07T23:00")
    assert local_midnight(date(2024, 5, 8), NEW_YORK) == utc("2024-05-08T04:00")
    assert local_midnight(date(2024, 5, 8), BERLIN).tzinfo is UTC


def test_local_days_around_the_clock_changes_last_23_and_25_hours() -> None:
    def length(day: date) -> timedelta:
        return local_midnight(day + timedelta(days=1), BERLIN) - local_midnight(day, BERLIN)

    assert length(date(2024, 3, 31)) == timedelta(hours=23)
    assert length(date(2024, 10, 27)) == timedelta(hours=25)
    assert length(date(2024, 5, 7)) == timedelta(hours=24)


def test_an_entry_sorts_at_its_start_else_at_the_local_midnight_of_its_work_date() -> None:
    started = utc("2024-05-07T07:00")
    assert sort_instant(started, date(2024, 5, 7), BERLIN) == started
    assert sort_instant(None, date(2024, 5, 7), BERLIN) == utc("2024-05-06T22:00")


# --- intervals and their durations -----------------------------------------------------------


def test_the_fall_back_night_from_midnight_to_four_lasts_five_hours() -> None:
    started, ended = interval(local("2024-10-27T00:00"), local("2024-10-27T04:00"), BERLIN, LATER)
    assert (started, ended) == (utc("2024-10-26T22:00"), utc("2024-10-27T03:00"))
    assert duration_seconds(started, ended) == hours(5)
    assert local_date(started, BERLIN) == date(2024, 10, 27)


def test_the_spring_forward_night_from_midnight_to_four_lasts_three_hours() -> None:
    started, ended = interval(local("2024-03-31T00:00"), local("2024-03-31T04:00"), BERLIN, LATER)
    assert duration_seconds(started, ended) == hours(3)


def test_an_interval_may_end_in_the_skipped_hour_of_no_zone() -> None:
    with pytest.raises(TimeRuleViolation) as refused:
        interval(local("2024-03-31T01:00"), local("2024-03-31T02:30"), BERLIN, LATER)
    assert (refused.value.field, refused.value.code) == ("ended_at", "nonexistent_local_time")
    with pytest.raises(TimeRuleViolation) as refused:
        interval(local("2024-03-31T02:30"), local("2024-03-31T04:00"), BERLIN, LATER)
    assert (refused.value.field, refused.value.code) == ("started_at", "nonexistent_local_time")


def test_a_night_across_local_midnight_splits_two_hours_and_two_hours() -> None:
    started, ended = interval(local("2024-05-07T22:00"), local("2024-05-08T02:00"), BERLIN, LATER)
    assert duration_seconds(started, ended) == hours(4)
    assert local_date(started, BERLIN) == date(2024, 5, 7)  # its work date
    midnight = local_midnight(local_date(ended, BERLIN), BERLIN)
    assert started < midnight < ended
    assert duration_seconds(started, midnight) == hours(2)
    assert duration_seconds(midnight, ended) == hours(2)
    # In New York the same night lies within one day: 16:00 to 20:00 on the 7th.
    assert local_date(started, NEW_YORK) == local_date(ended, NEW_YORK) == date(2024, 5, 7)


def test_an_interval_over_several_days_splits_at_each_local_midnight() -> None:
    started, ended = interval(local("2024-10-26T22:00"), local("2024-10-29T01:30"), BERLIN, LATER)
    days = days_from(local_date(started, BERLIN), local_date(ended, BERLIN))
    assert days == [date(2024, 10, 26), date(2024, 10, 27), date(2024, 10, 28), date(2024, 10, 29)]
    cuts = [started, *(local_midnight(day, BERLIN) for day in days[1:]), ended]
    pieces = [duration_seconds(lo, hi) for lo, hi in pairwise(cuts)]
    # The 27th has 25 hours (the clocks fall back); the pieces add up to the duration.
    assert pieces == [hours(2), hours(25), hours(24), hours(1.5)]
    assert sum(pieces) == duration_seconds(started, ended)


def test_durations_are_whole_seconds() -> None:
    started, ended = interval(
        local("2024-05-07T09:00:00.900"), local("2024-05-07T09:00:01.100"), BERLIN, LATER
    )
    assert duration_seconds(started, ended) == 1


def test_the_end_must_come_after_the_start() -> None:
    for end in ("2024-05-07T09:00", "2024-05-07T08:59"):
        with pytest.raises(TimeRuleViolation) as refused:
            interval(local("2024-05-07T09:00"), local(end), BERLIN, LATER)
        assert (refused.value.field, refused.value.message) == (
            "ended_at",
            "must be after started_at",
        )
    # Equal once truncated to the second.
    with pytest.raises(TimeRuleViolation):
        interval(local("2024-05-07T09:00:00.1"), local("2024-05-07T09:00:00.9"), BERLIN, LATER)


def test_an_entry_lasts_31_days_at_most() -> None:
    start = local("2024-05-01T09:00")
    started, ended = interval(start, start + MAX_TIMED_ENTRY, BERLIN, LATER)
    assert ended - started == timedelta(days=31)
    with pytest.raises(TimeRuleViolation) as refused:
        interval(start, start + MAX_TIMED_ENTRY + timedelta(seconds=1), BERLIN, LATER)
    assert refused.value.message == "an entry may last 31 days at most"


def test_an_entry_ends_at_most_24_hours_from_now() -> None:
    now = utc("2024-05-07T12:00")
    # Ends at 12:00 UTC tomorrow: exactly the limit.
    _, ended = interval(local("2024-05-08T10:00"), local("2024-05-08T14:00"), BERLIN, now)
    assert ended == now + FUTURE_LIMIT
    with pytest.raises(TimeRuleViolation) as refused:
        interval(local("2024-05-08T10:00"), local("2024-05-08T14:00:01"), BERLIN, now)
    assert (refused.value.field, refused.value.code) == ("ended_at", "entry_in_future")
    check_not_future(now + FUTURE_LIMIT, now)
    with pytest.raises(TimeRuleViolation):
        check_not_future(now + FUTURE_LIMIT + timedelta(seconds=1), now)


def test_a_work_date_may_begin_at_most_24_hours_from_now() -> None:
    now = utc("2024-05-07T12:00")
    check_work_date(date(2024, 5, 8), BERLIN, now, "work_date")  # begins 2024-05-07T22:00Z
    with pytest.raises(TimeRuleViolation) as refused:
        check_work_date(date(2024, 5, 9), BERLIN, now, "logged_at")  # 2024-05-08T22:00Z
    assert (refused.value.field, refused.value.code) == ("logged_at", "entry_in_future")
    # The same date begins later in New York (04:00 UTC), and is still too far.
    with pytest.raises(TimeRuleViolation):
        check_work_date(date(2024, 5, 9), NEW_YORK, now, "work_date")
    with pytest.raises(TimeRuleViolation) as refused:
        check_work_date(date(1, 1, 1), BERLIN, now, "work_date")
    assert refused.value.code == "validation_failed"


# --- breaks --------------------------------------------------------------------------------


def test_unpaid_breaks_reduce_the_worked_seconds() -> None:
    started, ended = utc("2024-05-07T09:00"), utc("2024-05-07T17:00")
    lunch = Pause(utc("2024-05-07T12:00"), utc("2024-05-07T12:30"))
    coffee = Pause(utc("2024-05-07T15:00"), utc("2024-05-07T15:10"))
    assert worked_seconds(started, ended, []) == hours(8)
    assert worked_seconds(started, ended, [lunch]) == hours(7.5)
    assert worked_seconds(started, ended, [lunch, coffee]) == hours(7.5) - 600


def test_paid_and_open_breaks_do_not_count() -> None:
    started, ended = utc("2024-05-07T09:00"), utc("2024-05-07T17:00")
    paid = Pause(utc("2024-05-07T12:00"), utc("2024-05-07T13:00"), is_paid=True)
    still_open = Pause(utc("2024-05-07T16:00"), None)
    assert worked_seconds(started, ended, [paid, still_open]) == hours(8)


def test_only_the_part_of_a_break_inside_the_interval_counts() -> None:
    started, ended = utc("2024-05-07T09:00"), utc("2024-05-07T11:00")
    straddling = Pause(utc("2024-05-07T10:30"), utc("2024-05-07T12:00"))
    before = Pause(utc("2024-05-07T07:00"), utc("2024-05-07T08:00"))
    assert worked_seconds(started, ended, [straddling]) == hours(1.5)
    assert worked_seconds(started, ended, [before]) == hours(2)


def test_a_timed_entry_keeps_at_least_a_second_once_breaks_are_out() -> None:
    started, ended = utc("2024-05-07T09:00"), utc("2024-05-07T10:00")
    whole_hour = Pause(started, ended)
    assert worked_seconds(started, ended, [whole_hour]) == 0
    with pytest.raises(TimeRuleViolation) as refused:
        check_worked(worked_seconds(started, ended, [whole_hour]))
    assert refused.value.field == "ended_at"
    check_worked(1)


def test_a_timer_counts_until_now_less_its_unpaid_breaks_an_open_one_up_to_now() -> None:
    started, now = utc("2024-05-07T09:00"), utc("2024-05-07T12:00")
    done = Pause(utc("2024-05-07T10:00"), utc("2024-05-07T10:15"))
    paid = Pause(utc("2024-05-07T10:30"), utc("2024-05-07T10:45"), is_paid=True)
    paused = Pause(utc("2024-05-07T11:30"), None)
    assert worked_so_far(started, now, []) == hours(3)
    assert worked_so_far(started, now, [done, paid]) == hours(2.75)
    assert worked_so_far(started, now, [done, paid, paused]) == hours(2.25)
    assert worked_so_far(started, started, []) == 0


# --- duplicating, ranges and weeks -----------------------------------------------------------


def test_a_duplicate_keeps_the_local_times_of_day_and_the_days_between() -> None:
    started, ended = utc("2024-05-07T20:00"), utc("2024-05-08T00:00")  # 22:00-02:00 Berlin
    assert same_local_times(started, ended, BERLIN, date(2024, 5, 20)) == (
        local("2024-05-20T22:00"),
        local("2024-05-21T02:00"),
    )
    # Read in the zone the entry was written in: 16:00-20:00 on one day in New York.
    assert same_local_times(started, ended, NEW_YORK, date(2024, 5, 20)) == (
        local("2024-05-20T16:00"),
        local("2024-05-20T20:00"),
    )


def test_a_duplicate_into_the_skipped_hour_is_refused() -> None:
    start, end = same_local_times(
        utc("2024-05-07T00:30"), utc("2024-05-07T02:00"), BERLIN, date(2024, 3, 31)
    )
    assert (start, end) == (local("2024-03-31T02:30"), local("2024-03-31T04:00"))
    with pytest.raises(TimeRuleViolation) as refused:
        interval(start, end, BERLIN, LATER)
    assert refused.value.code == "nonexistent_local_time"


def test_a_duplicate_onto_a_day_out_of_the_calendar_is_refused() -> None:
    with pytest.raises(TimeRuleViolation) as refused:
        same_local_times(utc("2024-05-07T08:00"), utc("2024-05-07T09:00"), BERLIN, date(1, 1, 1))
    assert refused.value.field == "work_date"


def test_a_date_range_may_not_end_before_it_begins() -> None:
    check_date_range(None, None)
    check_date_range(date(2024, 5, 7), None)
    check_date_range(None, date(2024, 5, 7))
    check_date_range(date(2024, 5, 7), date(2024, 5, 7))
    with pytest.raises(TimeRuleViolation) as refused:
        check_date_range(date(2024, 5, 8), date(2024, 5, 7))
    assert (refused.value.field, refused.value.message) == ("to", "must not be before from")


@pytest.mark.parametrize(
    ("day", "week_start", "first"),
    [
        (date(2024, 5, 9), "monday", date(2024, 5, 6)),
        (date(2024, 5, 6), "monday", date(2024, 5, 6)),
        (date(2024, 5, 12), "monday", date(2024, 5, 6)),
        (date(2024, 10, 27), "sunday", date(2024, 10, 27)),
        (date(2024, 10, 26), "sunday", date(2024, 10, 20)),
        (date(2024, 5, 9), "saturday", date(2024, 5, 4)),
        (date(2024, 5, 9), "someday", date(2024, 5, 6)),
    ],
)
def test_a_week_begins_on_the_workspaces_week_start(
    day: date, week_start: str, first: date
) -> None:
    assert week_of(day, week_start) == (first, first + timedelta(days=6))


def test_days_from_first_to_last_both_included() -> None:
    assert days_from(date(2024, 5, 7), date(2024, 5, 7)) == [date(2024, 5, 7)]
    assert days_from(date(2024, 2, 28), date(2024, 3, 1)) == [
        date(2024, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
    ]
    assert days_from(date(2024, 5, 8), date(2024, 5, 7)) == []


def test_a_day_locks_at_its_local_end_plus_grace() -> None:
    day = date(2026, 11, 30)
    end_of_day = datetime(2026, 12, 1, tzinfo=BERLIN).astimezone(UTC)
    just_before = end_of_day - timedelta(seconds=1)
    assert not is_locked(day, day, BERLIN, timedelta(0), just_before)
    assert is_locked(day, day, BERLIN, timedelta(0), end_of_day)
    grace = timedelta(hours=48)
    assert not is_locked(day, day, BERLIN, grace, end_of_day + timedelta(hours=47))
    assert is_locked(day, day, BERLIN, grace, end_of_day + grace)
    # Older days are past their grace already: moving the date forward locks them at once.
    assert is_locked(date(2026, 11, 27), day, BERLIN, grace, end_of_day)


def test_days_after_the_lockdown_date_and_no_date_lock_nothing() -> None:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    assert not is_locked(date(2026, 12, 1), date(2026, 11, 30), BERLIN, timedelta(0), now)
    assert not is_locked(date(2026, 11, 1), None, BERLIN, timedelta(0), now)
    assert not is_locked(date(9999, 12, 30), date(9999, 12, 31), BERLIN, timedelta(0), now)


@pytest.mark.parametrize(
    ("day", "period", "week_start", "expected"),
    [
        (date(2026, 12, 6), "weekly", "monday", (date(2026, 11, 30), date(2026, 12, 6))),
        (date(2026, 12, 6), "weekly", "sunday", (date(2026, 12, 6), date(2026, 12, 12))),
        (date(2026, 12, 6), "weekly", "nonsense", (date(2026, 11, 30), date(2026, 12, 6))),
        (date(2024, 2, 29), "monthly", "monday", (date(2024, 2, 1), date(2024, 2, 29))),
        (date(2026, 12, 31), "monthly", "monday", (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2024, 1, 1), "biweekly", "monday", (date(2024, 1, 1), date(2024, 1, 14))),
        (date(2024, 1, 14), "biweekly", "monday", (date(2024, 1, 1), date(2024, 1, 14))),
        (date(2024, 1, 15), "biweekly", "monday", (date(2024, 1, 15), date(2024, 1, 28))),
        (date(2023, 12, 31), "biweekly", "monday", (date(2023, 12, 18), date(2023, 12, 31))),
        (date(2024, 1, 6), "biweekly", "sunday", (date(2023, 12, 31), date(2024, 1, 13))),
    ],
)
def test_timesheet_periods(
    day: date, period: str, week_start: str, expected: tuple[date, date]
) -> None:
    assert period_of(day, period, week_start) == expected


def test_every_day_lies_in_exactly_one_biweekly_period() -> None:
    day = date(2023, 6, 1)
    periods = {period_of(day + timedelta(days=n), "biweekly", "wednesday") for n in range(200)}
    ordered = sorted(periods)
    for (_, last), (first, _) in pairwise(ordered):
        assert first == last + timedelta(days=1)
    assert all((last - first).days == 13 for first, last in ordered)


@pytest.mark.parametrize(
    ("first", "last", "months", "days"),
    [
        (None, None, (None, None), ()),
        ("2024-01-01", "2024-12-31", ("2024-01-01", "2024-12-01"), ()),
        ("2024-02-01", "2024-02-29", ("2024-02-01", "2024-02-01"), ()),
        (
            "2024-01-15",
            "2024-03-10",
            ("2024-02-01", "2024-02-01"),
            (("2024-01-15", "2024-01-31"), ("2024-03-01", "2024-03-10")),
        ),
        ("2024-01-15", "2024-01-20", None, (("2024-01-15", "2024-01-20"),)),
        ("2024-01-15", "2024-02-10", None, (("2024-01-15", "2024-02-10"),)),
        (None, "2024-02-10", (None, "2024-01-01"), (("2024-02-01", "2024-02-10"),)),
        ("2024-02-10", None, ("2024-03-01", None), (("2024-02-10", "2024-02-29"),)),
        ("9999-12-02", None, None, (("9999-12-02", None),)),
        ("0001-01-01", "9999-12-31", ("0001-01-01", "9999-12-01"), ()),
    ],
)
def test_a_range_splits_into_whole_months_and_the_days_at_its_ends(
    first: str | None,
    last: str | None,
    months: tuple[str | None, str | None] | None,
    days: tuple[tuple[str | None, str | None], ...],
) -> None:
    def day(text: str | None) -> date | None:
        return None if text is None else date.fromisoformat(text)

    split = split_by_months(day(first), day(last))
    assert split.months == (None if months is None else (day(months[0]), day(months[1])))
    assert split.days == tuple((day(a), day(b)) for a, b in days)


def test_every_day_of_a_range_falls_in_one_part_of_its_split() -> None:
    start = date(2023, 11, 20)
    for first_offset in range(0, 75, 7):
        for length in range(0, 120, 11):
            first = start + timedelta(days=first_offset)
            last = first + timedelta(days=length)
            split = split_by_months(first, last)
            covered: list[date] = []
            if split.months is not None:
                low, high = split.months
                assert low is not None
                assert high is not None
                month = low
                while month <= high:
                    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
                    covered += days_from(month, end)
                    month = end + timedelta(days=1)
            for low, high in split.days:
                assert low is not None
                assert high is not None
                covered += days_from(low, high)
            assert sorted(covered) == days_from(first, last)
