"""Detection of over-allocations, as a pure function: boundaries, sums, merging, time off."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from worksync.common.ids import new_id
from worksync.resources.conflicts.detection import (
    Availability,
    Booking,
    Overbooking,
    find_overbookings,
)

pytestmark = pytest.mark.fast

FULL_TIME = Availability(Decimal(40), frozenset({1, 2, 3, 4, 5}))


def booking(hours: int, start: str, end: str) -> Booking:
    return Booking(new_id(), date.fromisoformat(start), date.fromisoformat(end), Decimal(hours))


def overbooking(
    start: str, end: str, capacity: str, allocated: str, *bookings: Booking
) -> Overbooking:
    return Overbooking(
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end),
        capacity_hours_per_week=Decimal(capacity),
        allocated_hours_per_week=Decimal(allocated),
        allocation_ids=frozenset(b.allocation_id for b in bookings),
    )


def ids(*bookings: Booking) -> frozenset[UUID]:
    return frozenset(b.allocation_id for b in bookings)


def test_nothing_booked_or_within_capacity_is_no_conflict() -> None:
    assert find_overbookings([], FULL_TIME) == []
    assert find_overbookings([booking(40, "2026-01-05", "2026-03-01")], FULL_TIME) == []
    halves = [booking(20, "2026-01-05", "2026-02-01"), booking(20, "2026-01-05", "2026-02-01")]
    assert find_overbookings(halves, FULL_TIME) == []


def test_two_projects_overlapping_beyond_capacity() -> None:
    apollo = booking(30, "2026-01-05", "2026-02-27")
    borealis = booking(20, "2026-02-02", "2026-03-27")
    [found] = find_overbookings([apollo, borealis], FULL_TIME)
    assert found == overbooking("2026-02-02", "2026-02-27", "40.00", "50.00", apollo, borealis)
    assert found.over_allocation_percent == Decimal("25.00")


def test_allocations_that_do_not_overlap_are_no_conflict() -> None:
    apollo = booking(30, "2026-01-05", "2026-02-27")
    borealis = booking(20, "2026-03-02", "2026-03-27")
    assert find_overbookings([apollo, borealis], FULL_TIME) == []
    # Touching: one ends the day before the other starts.
    assert find_overbookings([apollo, booking(30, "2026-02-28", "2026-03-27")], FULL_TIME) == []


def test_a_single_allocation_above_capacity_is_a_conflict_over_its_whole_span() -> None:
    crunch = booking(60, "2026-01-05", "2026-01-16")
    [found] = find_overbookings([crunch], FULL_TIME)
    assert found == overbooking("2026-01-05", "2026-01-16", "40.00", "60.00", crunch)
    assert found.over_allocation_percent == Decimal("50.00")


def test_several_intervals_each_with_its_own_allocations() -> None:
    base = booking(30, "2026-01-01", "2026-01-31")
    early = booking(20, "2026-01-10", "2026-01-20")
    late = booking(20, "2026-01-15", "2026-01-25")
    assert find_overbookings([base, early, late], FULL_TIME) == [
        overbooking("2026-01-10", "2026-01-14", "40.00", "50.00", base, early),
        overbooking("2026-01-15", "2026-01-20", "40.00", "70.00", base, early, late),
        overbooking("2026-01-21", "2026-01-25", "40.00", "50.00", base, late),
    ]


def test_separate_intervals_with_the_same_allocations_stay_separate() -> None:
    base = booking(30, "2026-01-01", "2026-03-31")
    january = booking(20, "2026-01-05", "2026-01-09")
    march = booking(20, "2026-03-02", "2026-03-06")
    found = find_overbookings([base, january, march], FULL_TIME)
    assert [f.allocation_ids for f in found] == [ids(base, january), ids(base, march)]


def test_adjacent_intervals_with_the_same_allocations_and_capacity_merge() -> None:
    # A weekend off splits the timeline but takes no working day: same capacity, one conflict.
    weekend_off = Availability(
        Decimal(40),
        frozenset({1, 2, 3, 4, 5}),
        ((date(2026, 1, 10), date(2026, 1, 11)),),
    )
    apollo = booking(30, "2026-01-05", "2026-01-23")
    borealis = booking(20, "2026-01-05", "2026-01-23")
    assert find_overbookings([apollo, borealis], weekend_off) == [
        overbooking("2026-01-05", "2026-01-23", "40.00", "50.00", apollo, borealis)
    ]


def test_time_off_takes_capacity_away() -> None:
    holiday = Availability(
        Decimal(40),
        frozenset({1, 2, 3, 4, 5}),
        ((date(2026, 1, 12), date(2026, 1, 16)),),
    )
    work = booking(30, "2026-01-05", "2026-01-23")
    [found] = find_overbookings([work], holiday)
    assert found == overbooking("2026-01-12", "2026-01-16", "0.00", "30.00", work)
    assert found.over_allocation_percent is None


def test_capacity_is_pro_rata_to_working_days_less_days_off() -> None:
    one_day_off = Availability(
        Decimal(40), frozenset({1, 2, 3, 4, 5}), ((date(2026, 1, 7), date(2026, 1, 7)),)
    )
    # Monday to Sunday, Wednesday off: four of five working days.
    assert one_day_off.capacity_between(date(2026, 1, 5), date(2026, 1, 11)) == Decimal(32)
    assert one_day_off.capacity_between(date(2026, 1, 12), date(2026, 1, 18)) == Decimal(40)
    # A weekend has no working day to take away.
    assert one_day_off.capacity_between(date(2026, 1, 10), date(2026, 1, 11)) == Decimal(40)
    assert one_day_off.working_days_between(date(2026, 1, 1), date(2026, 1, 31)) == 22


def test_part_time_capacity_and_rounding() -> None:
    four_days = Availability(Decimal(32), frozenset({1, 2, 3, 4}))
    assert find_overbookings([booking(32, "2026-01-05", "2026-01-30")], four_days) == []
    thirds = Availability(
        Decimal(40), frozenset({1, 2, 3}), ((date(2026, 1, 5), date(2026, 1, 5)),)
    )
    # Monday off of Monday to Wednesday: 40 * 2/3.
    assert thirds.capacity_between(date(2026, 1, 5), date(2026, 1, 7)).quantize(
        Decimal("0.01")
    ) == Decimal("26.67")
    # Time off splits the timeline: the Monday has no capacity, the rest all of it.
    work = booking(27, "2026-01-05", "2026-01-07")
    assert find_overbookings([work], thirds) == [
        overbooking("2026-01-05", "2026-01-05", "0.00", "27.00", work)
    ]
