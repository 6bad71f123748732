"""Finding over-allocations of one member: a pure function over their allocations and
capacity, so that every rule below is tested without a database.

The timeline is split at every allocation's start and end + 1 day and at every time-off
period's start and end + 1 day. Within each elementary interval the same allocations apply
and the member is either entirely on time off or not at all. For each interval:

- allocated = the sum of `hours_per_week` of the allocations covering it;
- capacity = `hours_per_week` * (working days in the interval - time-off working days)
  / (working days in the interval); an interval without working days (a weekend) keeps
  the full weekly capacity, as there is nothing to take off;
- allocated > capacity is an over-allocation.

Adjacent over-allocated intervals with the same allocations and the same capacity merge
into one. Capacity is a rate (hours per week) like allocations, so comparing the two does
not depend on the interval's length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from uuid import UUID

from worksync.common.fields import CENT

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Booking:
    """An allocation as detection sees it (both dates included)."""

    allocation_id: UUID
    start_date: date
    end_date: date
    hours_per_week: Decimal


@dataclass(frozen=True)
class Availability:
    hours_per_week: Decimal
    working_days: frozenset[int]  # ISO weekdays, Monday = 1
    time_off: tuple[tuple[date, date], ...] = ()

    def working_days_between(self, start: date, end: date) -> int:
        weeks, rest = divmod((end - start).days + 1, 7)
        count = weeks * len(self.working_days)
        for offset in range(rest):
            if (start + timedelta(days=offset)).isoweekday() in self.working_days:
                count += 1
        return count

    def days_off_between(self, start: date, end: date) -> int:
        """Working days of [start, end] that fall into time off (periods never overlap)."""
        return sum(
            self.working_days_between(max(start, first), min(end, last))
            for first, last in self.time_off
            if first <= end and last >= start
        )

    def capacity_between(self, start: date, end: date) -> Decimal:
        working = self.working_days_between(start, end)
        if working == 0:
            return self.hours_per_week
        available = working - self.days_off_between(start, end)
        return self.hours_per_week * available / working


@dataclass(frozen=True)
class Overbooking:
    start_date: date
    end_date: date
    capacity_hours_per_week: Decimal
    allocated_hours_per_week: Decimal
    allocation_ids: frozenset[UUID]

    @property
    def over_allocation_percent(self) -> Decimal | None:
        """(allocated - capacity) / capacity * 100, two places; None without capacity."""
        if self.capacity_hours_per_week == 0:
            return None
        excess = self.allocated_hours_per_week - self.capacity_hours_per_week
        return (excess / self.capacity_hours_per_week * 100).quantize(CENT)


def _boundaries(bookings: Sequence[Booking], availability: Availability) -> list[date]:
    points: set[date] = set()
    for booking in bookings:
        points.update((booking.start_date, booking.end_date + ONE_DAY))
    for first, last in availability.time_off:
        points.update((first, last + ONE_DAY))
    return sorted(points)


def find_overbookings(bookings: Iterable[Booking], availability: Availability) -> list[Overbooking]:
    """The member's over-allocated intervals, in date order, amounts rounded to cents."""
    bookings = list(bookings)
    found: list[Overbooking] = []
    for start, next_start in pairwise(_boundaries(bookings, availability)):
        end = next_start - ONE_DAY
        covering = [b for b in bookings if b.start_date <= start and b.end_date >= end]
        allocated = sum((b.hours_per_week for b in covering), Decimal(0))
        # Compared as stored (cents), so a stored conflict is always over its capacity.
        capacity = availability.capacity_between(start, end).quantize(CENT)
        allocated = allocated.quantize(CENT)
        if not covering or allocated <= capacity:
            continue
        overbooking = Overbooking(
            start_date=start,
            end_date=end,
            capacity_hours_per_week=capacity,
            allocated_hours_per_week=allocated,
            allocation_ids=frozenset(b.allocation_id for b in covering),
        )
        previous = found[-1] if found else None
        if (
            previous is not None
            and previous.end_date + ONE_DAY == start
            and previous.allocation_ids == overbooking.allocation_ids
            and previous.capacity_hours_per_week == overbooking.capacity_hours_per_week
        ):
            found[-1] = Overbooking(
                start_date=previous.start_date,
                end_date=end,
                capacity_hours_per_week=previous.capacity_hours_per_week,
                allocated_hours_per_week=previous.allocated_hours_per_week,
                allocation_ids=previous.allocation_ids,
            )
        else:
            found.append(overbooking)
    return found
