"""The allocation optimiser (no I/O): proposals that remove over-allocations, as a
mixed-integer programme solved by HiGHS (`scipy.optimize.milp`), and a greedy baseline to
compare it with.

What may change: the allocations taking part in an over-allocation that overlaps the range
("movable"). Each goes whole, with all its hours per week, to exactly one candidate, or
stays with its owner, its hours kept or cut (to 0: deleted). Everything else stays.

Candidates for an allocation: members with an active profile, other than its owner, who
match its skill and have free capacity over its whole span (at most `max_candidates`, the
freest first). The skill an allocation needs is its `role` when it has one (matched, ignoring
case, against a candidate's skills and profile role); without a role, any skill of its
owner's (a candidate must share one; an owner without skills matches everyone). With
`allow_other_skills`, members without the skill are candidates too, at a higher cost.

Model, per movable allocation a (H hours per week, W weeks long), its owner o and its
candidates p: z[a,o] and z[a,p] binary (where a goes), sum z[a,.] = 1, and r[a] >= 0 the
hours cut, r[a] <= H z[a,o] (nothing cut without `allow_reductions`). Per person and
elementary interval of their timeline (split where allocations and time off begin and end)
the hours there, H z[a,p] of the candidates' and H z[a,o] - r[a] of the owner's plus the
allocations that do not move, stay within the capacity (rounded down to cents), else a
slack s >= 0 takes the excess. Minimised: W * (H z[a,p] * (MOVE + BUSY * share of the
candidate's capacity taken + OTHER_SKILL if not matching) + REDUCE * r)
+ SLACK * s * interval weeks: over-allocation left is worst, a cut worse than any move (the
project keeps its hours where possible), and moving to the freest skilled person cheapest.
Hours are weekly rates; "hours moved" and "hours reduced" are rates times the allocation's
weeks (calendar days / 7).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum
from itertools import pairwise
from uuid import UUID

from worksync.common.fields import CENT
from worksync.resources.conflicts.detection import (
    Availability,
    Booking,
    Overbooking,
    find_overbookings,
)
from worksync.resources.models import DEFAULT_HOURS_PER_WEEK, DEFAULT_WORKING_DAYS

ONE_DAY = timedelta(days=1)
DEFAULT_AVAILABILITY = Availability(DEFAULT_HOURS_PER_WEEK, frozenset(DEFAULT_WORKING_DAYS))

# Objective weights, per hour (rate * weeks), in tiers: moving a whole allocation of any
# size (at most 168 * 3.5 per week) costs less than cutting an hour, and cutting an hour
# less than leaving one over-allocated.
MOVE = 1.0
BUSY = 0.5  # times the share of the candidate's capacity already taken
OTHER_SKILL = 2.0
REDUCE = 1_000.0
SLACK = 10_000.0
REASSIGN = 0.01  # per allocation moved: fewer, larger moves among equal ones
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Person:
    user_id: UUID
    availability: Availability
    skills: frozenset[str] = frozenset()  # casefolded
    role: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Allocation:
    allocation_id: UUID
    user_id: UUID
    project_id: UUID
    role: str | None
    hours_per_week: Decimal
    start_date: date
    end_date: date

    @property
    def weeks(self) -> Decimal:
        return Decimal((self.end_date - self.start_date).days + 1) / 7


@dataclass(frozen=True)
class Options:
    allow_reductions: bool = True
    allow_other_skills: bool = False
    time_limit_seconds: float = 10.0
    max_candidates: int = 20


class Status(StrEnum):
    NOTHING_TO_RESOLVE = "nothing_to_resolve"
    OPTIMAL = "optimal"
    TIME_LIMIT = "best_found_within_limit"
    NO_SOLUTION = "no_solution_within_limit"
    GREEDY = "greedy"


@dataclass(frozen=True)
class Change:
    """One allocation's new owner and hours (0: delete it)."""

    allocation_id: UUID
    project_id: UUID
    from_user_id: UUID
    to_user_id: UUID
    from_hours: Decimal
    to_hours: Decimal


@dataclass(frozen=True)
class Unresolved:
    overbooking: Overbooking
    user_id: UUID
    reason: str


@dataclass(frozen=True)
class Plan:
    status: Status
    objective: float | None
    conflicts: int
    changes: list[Change] = field(default_factory=list)
    hours_moved: Decimal = Decimal(0)
    hours_reduced: Decimal = Decimal(0)
    unresolved: list[Unresolved] = field(default_factory=list)


def _availability(people: Mapping[UUID, Person], user_id: UUID) -> Availability:
    person = people.get(user_id)
    return DEFAULT_AVAILABILITY if person is None else person.availability


def over_allocations(
    people: Mapping[UUID, Person], allocations: Iterable[Allocation], first: date, last: date
) -> dict[UUID, list[Overbooking]]:
    """Each member's over-allocations that overlap [first, last], as detection finds them."""
    by_user: defaultdict[UUID, list[Booking]] = defaultdict(list)
    for a in allocations:
        by_user[a.user_id].append(
            Booking(a.allocation_id, a.start_date, a.end_date, a.hours_per_week)
        )
    found: dict[UUID, list[Overbooking]] = {}
    for user_id, bookings in by_user.items():
        inside = [
            o
            for o in find_overbookings(bookings, _availability(people, user_id))
            if o.start_date <= last and o.end_date >= first
        ]
        if inside:
            found[user_id] = inside
    return found


def apply_changes(allocations: Iterable[Allocation], changes: Iterable[Change]) -> list[Allocation]:
    """The allocations as a plan leaves them (deleted ones gone)."""
    by_id = {change.allocation_id: change for change in changes}
    result = []
    for a in allocations:
        change = by_id.get(a.allocation_id)
        if change is None:
            result.append(a)
        elif change.to_hours > 0:
            result.append(replace(a, user_id=change.to_user_id, hours_per_week=change.to_hours))
    return result


def _segments(
    availability: Availability, allocations: Sequence[Allocation], start: date, end: date
) -> list[tuple[date, date, Decimal, list[Allocation]]]:
    """[start, end] split where the member's allocations and time off begin and end: each
    piece with its capacity (rounded down to cents) and the allocations covering it."""
    points = {start, end + ONE_DAY}
    for a in allocations:
        points.update((a.start_date, a.end_date + ONE_DAY))
    for first, last in availability.time_off:
        points.update((first, last + ONE_DAY))
    pieces = []
    for piece_start, next_start in pairwise(
        sorted(p for p in points if start <= p <= end + ONE_DAY)
    ):
        piece_end = next_start - ONE_DAY
        capacity = availability.capacity_between(piece_start, piece_end).quantize(
            CENT, rounding=ROUND_FLOOR
        )
        covering = [
            a for a in allocations if a.start_date <= piece_start and a.end_date >= piece_end
        ]
        pieces.append((piece_start, piece_end, capacity, covering))
    return pieces


def _timeline(
    availability: Availability, allocations: Sequence[Allocation], start: date, end: date
) -> tuple[list[date], list[Decimal]]:
    """Free capacity (hours per week) per piece of [start, end]: the pieces' first days and
    their free hours."""
    pieces = _segments(availability, allocations, start, end)
    return [p[0] for p in pieces], [
        capacity - sum((a.hours_per_week for a in covering), Decimal(0))
        for _, _, capacity, covering in pieces
    ]


def _matches(allocation: Allocation, owner: Person | None, candidate: Person) -> bool:
    if allocation.role:
        wanted = allocation.role.casefold()
        return wanted in candidate.skills or wanted == (candidate.role or "").casefold()
    if owner is None or not owner.skills:
        return True
    return bool(owner.skills & candidate.skills)


@dataclass(frozen=True)
class _Candidate:
    user_id: UUID
    matching: bool
    busy_share: float


class _Situation:
    """The data both planners share: people, allocations by member, what must change."""

    def __init__(
        self,
        people: Mapping[UUID, Person],
        allocations: Sequence[Allocation],
        first: date,
        last: date,
        options: Options,
    ) -> None:
        self.people = people
        self.options = options
        self.allocations = list(allocations)
        self.by_user: defaultdict[UUID, list[Allocation]] = defaultdict(list)
        for a in self.allocations:
            self.by_user[a.user_id].append(a)
        self.conflicts = over_allocations(people, self.allocations, first, last)
        movable_ids = {
            i for found in self.conflicts.values() for o in found for i in o.allocation_ids
        }
        self.movable = [a for a in self.allocations if a.allocation_id in movable_ids]
        self.first, self.last = first, last
        dates = [d for a in self.allocations for d in (a.start_date, a.end_date)]
        self.horizon = (min(dates, default=first), max(dates, default=last))
        self._timelines: dict[UUID, tuple[list[date], list[Decimal]]] = {}

    def free(self, user_id: UUID, start: date, end: date) -> Decimal:
        """The member's least free capacity over [start, end] (within the horizon)."""
        timeline = self._timelines.get(user_id)
        if timeline is None:
            timeline = _timeline(
                _availability(self.people, user_id),
                self.by_user.get(user_id, []),
                *self.horizon,
            )
            self._timelines[user_id] = timeline
        starts, free = timeline
        first = max(bisect_right(starts, start) - 1, 0)
        last = bisect_right(starts, end)
        return min(free[first:last])

    def move(self, before: Allocation, after: Allocation | None) -> None:
        """Replace an allocation (None: delete it), forgetting the timelines it changes."""
        self.by_user[before.user_id].remove(before)
        self._timelines.pop(before.user_id, None)
        if after is not None:
            self.by_user[after.user_id].append(after)
            self._timelines.pop(after.user_id, None)

    def candidates(self, allocation: Allocation) -> list[_Candidate]:
        """Who could take `allocation` whole: skilled (or any, if allowed), free over its span."""
        owner = self.people.get(allocation.user_id)
        found = []
        for person in self.people.values():
            if not person.active or person.user_id == allocation.user_id:
                continue
            matching = _matches(allocation, owner, person)
            if not matching and not self.options.allow_other_skills:
                continue
            free = self.free(person.user_id, allocation.start_date, allocation.end_date)
            if free <= 0:
                continue
            capacity = person.availability.hours_per_week
            busy = float(1 - min(free, capacity) / capacity) if capacity > 0 else 1.0
            found.append(
                (
                    not matching,
                    -free,
                    str(person.user_id),
                    _Candidate(person.user_id, matching, busy),
                )
            )
        found.sort(key=lambda entry: entry[:3])
        return [entry[3] for entry in found[: self.options.max_candidates]]

    def unresolved(
        self, changes: Sequence[Change], reasons: Mapping[UUID, str]
    ) -> list[Unresolved]:
        left = over_allocations(
            self.people, apply_changes(self.allocations, changes), self.first, self.last
        )
        return [
            Unresolved(o, user_id, self._reason(o, reasons))
            for user_id in sorted(left)
            for o in left[user_id]
        ]

    def _reason(self, overbooking: Overbooking, reasons: Mapping[UUID, str]) -> str:
        if overbooking.capacity_hours_per_week == 0:
            base = "the member has no capacity then (time off)"
        else:
            base = next(
                (reasons[i] for i in sorted(overbooking.allocation_ids) if i in reasons),
                "the members who could take these hours have too little free capacity",
            )
        if not self.options.allow_reductions:
            return f"{base}; reductions were not allowed"
        return base

    def candidate_reasons(self, candidates: Mapping[UUID, list[_Candidate]]) -> dict[UUID, str]:
        """Why an allocation could not move: nobody (skilled) with free capacity."""
        reasons = {}
        for a in self.movable:
            if candidates[a.allocation_id]:
                continue
            owner = self.people.get(a.user_id)
            skill = a.role or ", ".join(sorted(owner.skills if owner else ()))
            who = (
                "other member"
                if self.options.allow_other_skills or not skill
                else (f"member with the skill {skill!r}")
            )
            reasons[a.allocation_id] = (
                f"no {who} has free capacity from {a.start_date} to {a.end_date}"
            )
        return reasons


def _cut(value: float) -> Decimal:
    """A solver's cut as stored: cents, rounded up (the hours left never exceed what was
    checked), ignoring the solver's tolerance."""
    return Decimal(str(max(float(value) - TOLERANCE, 0.0))).quantize(CENT, rounding=ROUND_CEILING)


def _totals(situation: _Situation, changes: Sequence[Change]) -> tuple[Decimal, Decimal]:
    weeks = {a.allocation_id: a.weeks for a in situation.movable}
    moved = sum(
        (c.to_hours * weeks[c.allocation_id] for c in changes if c.to_user_id != c.from_user_id),
        Decimal(0),
    )
    reduced = sum(
        ((c.from_hours - c.to_hours) * weeks[c.allocation_id] for c in changes), Decimal(0)
    )
    return moved.quantize(CENT), reduced.quantize(CENT)


def optimise(
    people: Mapping[UUID, Person],
    allocations: Sequence[Allocation],
    first: date,
    last: date,
    options: Options = Options(),
) -> Plan:
    """The MILP's proposal for the over-allocations overlapping [first, last]."""
    # Imported here: only the solver's own process (`solving.py`) loads SciPy.
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    situation = _Situation(people, allocations, first, last, options)
    count = sum(len(found) for found in situation.conflicts.values())
    if not situation.movable:
        return Plan(Status.NOTHING_TO_RESOLVE, 0.0, count)
    candidates = {a.allocation_id: situation.candidates(a) for a in situation.movable}
    reasons = situation.candidate_reasons(candidates)

    costs: list[float] = []
    upper: list[float] = []
    integer: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    lower_bounds: list[float] = []
    upper_bounds: list[float] = []

    def variable(cost: float, high: float, *, binary: bool = False) -> int:
        costs.append(cost)
        upper.append(high)
        integer.append(1 if binary else 0)
        return len(costs) - 1

    def constraint(terms: Iterable[tuple[int, float]], low: float, high: float) -> None:
        row = len(lower_bounds)
        for column, coefficient in terms:
            rows.append(row)
            cols.append(column)
            values.append(coefficient)
        lower_bounds.append(low)
        upper_bounds.append(high)

    choice: dict[UUID, list[tuple[UUID, int]]] = {}
    cuts: dict[UUID, int] = {}
    # Per member: the movable allocations they might hold, with the terms of their hours.
    hours_on: defaultdict[UUID, list[tuple[Allocation, list[tuple[int, float]]]]] = defaultdict(
        list
    )
    for a in situation.movable:
        weeks = float(a.weeks)
        total = float(a.hours_per_week)
        cut = variable(REDUCE * weeks, total if options.allow_reductions else 0.0)
        cuts[a.allocation_id] = cut
        stays = variable(0.0, 1.0, binary=True)
        entries = [(a.user_id, stays)]
        hours_on[a.user_id].append((a, [(stays, total), (cut, -1.0)]))
        # Only what stays is cut: r <= H * z[a, owner].
        constraint(((cut, 1.0), (stays, -total)), -np.inf, 0.0)
        for candidate in candidates[a.allocation_id]:
            cost = MOVE + BUSY * candidate.busy_share + (0.0 if candidate.matching else OTHER_SKILL)
            goes = variable(cost * weeks * total + REASSIGN, 1.0, binary=True)
            entries.append((candidate.user_id, goes))
            hours_on[candidate.user_id].append((a, [(goes, total)]))
        choice[a.allocation_id] = entries
        constraint(((z, 1.0) for _, z in entries), 1.0, 1.0)

    movable_ids = {a.allocation_id for a in situation.movable}
    for user_id, holdings in hours_on.items():
        availability = _availability(people, user_id)
        fixed = [
            a for a in situation.by_user.get(user_id, []) if a.allocation_id not in movable_ids
        ]
        spans = [a for a, _ in holdings]
        start = min(a.start_date for a in spans)
        end = max(a.end_date for a in spans)
        for piece_start, piece_end, capacity, covering in _segments(
            availability, [*fixed, *spans], start, end
        ):
            terms = [
                term
                for a, hours in holdings
                if a.start_date <= piece_start and a.end_date >= piece_end
                for term in hours
            ]
            if not terms:
                continue
            load = sum(
                (a.hours_per_week for a in covering if a.allocation_id not in movable_ids),
                Decimal(0),
            )
            weeks = ((piece_end - piece_start).days + 1) / 7
            slack = variable(SLACK * weeks, np.inf)
            constraint([*terms, (slack, -1.0)], -np.inf, float(capacity - load))

    matrix = coo_array((values, (rows, cols)), shape=(len(lower_bounds), len(costs))).tocsr()
    result = milp(
        c=np.array(costs),
        integrality=np.array(integer),
        bounds=Bounds(np.zeros(len(costs)), np.array(upper)),
        constraints=[LinearConstraint(matrix, np.array(lower_bounds), np.array(upper_bounds))],
        options={"time_limit": options.time_limit_seconds, "disp": False},
    )
    if result.x is None:
        reasons = {
            a.allocation_id: f"the solver found no solution within {options.time_limit_seconds} s"
            for a in situation.movable
        }
        return Plan(Status.NO_SOLUTION, None, count, unresolved=situation.unresolved([], reasons))
    solution = result.x
    changes = []
    for a in situation.movable:
        user_id, _ = max(choice[a.allocation_id], key=lambda entry: solution[entry[1]])
        hours = a.hours_per_week
        if user_id == a.user_id:
            hours = max(hours - _cut(solution[cuts[a.allocation_id]]), Decimal(0))
        if user_id != a.user_id or hours != a.hours_per_week:
            changes.append(
                Change(a.allocation_id, a.project_id, a.user_id, user_id, a.hours_per_week, hours)
            )
    moved, reduced = _totals(situation, changes)
    return Plan(
        Status.OPTIMAL if result.status == 0 else Status.TIME_LIMIT,
        float(result.fun),
        count,
        changes,
        moved,
        reduced,
        situation.unresolved(changes, reasons),
    )


def greedy(
    people: Mapping[UUID, Person],
    allocations: Sequence[Allocation],
    first: date,
    last: date,
    options: Options = Options(),
) -> Plan:
    """The baseline the benchmark compares with: conflict by conflict, move the largest
    allocation to the freest skilled member it fits whole, else cut it by the excess."""
    situation = _Situation(people, allocations, first, last, options)
    count = sum(len(found) for found in situation.conflicts.values())
    if not situation.movable:
        return Plan(Status.NOTHING_TO_RESOLVE, None, count)
    current = {a.allocation_id: a for a in situation.allocations}
    original = {a.allocation_id: a for a in situation.movable}

    def change(before: Allocation, after: Allocation | None) -> None:
        situation.move(before, after)
        if after is None:
            del current[before.allocation_id]
        else:
            current[before.allocation_id] = after

    for user_id in sorted(situation.conflicts):
        availability = _availability(people, user_id)
        while True:
            bookings = [
                Booking(a.allocation_id, a.start_date, a.end_date, a.hours_per_week)
                for a in situation.by_user[user_id]
            ]
            found = [
                o
                for o in find_overbookings(bookings, availability)
                if o.start_date <= last and o.end_date >= first
            ]
            if not found:
                break
            overbooking = found[0]
            inside = sorted(
                (current[i] for i in overbooking.allocation_ids),
                key=lambda a: (-a.hours_per_week, str(a.allocation_id)),
            )
            target = None
            for a in inside:
                target = _freest(situation, a, people.get(original[a.allocation_id].user_id))
                if target is not None:
                    change(a, replace(a, user_id=target))
                    break
            if target is not None:
                continue
            if not options.allow_reductions:
                break
            excess = overbooking.allocated_hours_per_week - overbooking.capacity_hours_per_week
            largest = inside[0]
            left = largest.hours_per_week - excess
            change(largest, replace(largest, hours_per_week=left) if left > 0 else None)
    changes = [
        Change(
            a.allocation_id,
            a.project_id,
            a.user_id,
            current[a.allocation_id].user_id if a.allocation_id in current else a.user_id,
            a.hours_per_week,
            current[a.allocation_id].hours_per_week if a.allocation_id in current else Decimal(0),
        )
        for a in situation.movable
        if current.get(a.allocation_id) != a
    ]
    moved, reduced = _totals(situation, changes)
    return Plan(
        Status.GREEDY, None, count, changes, moved, reduced, situation.unresolved(changes, {})
    )


def _freest(situation: _Situation, allocation: Allocation, owner: Person | None) -> UUID | None:
    """The (skilled) member with the most free capacity over the allocation's span who can
    take all of its hours, if any."""
    best: tuple[Decimal, UUID] | None = None
    for person in situation.people.values():
        if not person.active or person.user_id == allocation.user_id:
            continue
        if not situation.options.allow_other_skills and not _matches(allocation, owner, person):
            continue
        free = situation.free(person.user_id, allocation.start_date, allocation.end_date)
        if free >= allocation.hours_per_week and (best is None or free > best[0]):
            best = (free, person.user_id)
    return None if best is None else best[1]
