"""The optimiser's model on small cases one can check by hand (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from worksync.resources.conflicts.detection import Availability
from worksync.resources.optimizer.planning import (
    Allocation,
    Options,
    Person,
    Status,
    apply_changes,
    greedy,
    optimise,
    over_allocations,
)

pytestmark = pytest.mark.fast

WEEKDAYS = frozenset({1, 2, 3, 4, 5})
MARCH = (date(2026, 3, 2), date(2026, 3, 29))  # four weeks, Monday to Sunday


def person(*skills: str, hours: int = 40, role: str | None = None, active: bool = True) -> Person:
    return Person(
        uuid4(),
        Availability(Decimal(hours), WEEKDAYS),
        frozenset(s.casefold() for s in skills),
        role,
        active,
    )


def booking(
    who: Person,
    hours: int,
    *,
    role: str | None = None,
    span: tuple[date, date] = MARCH,
    project: UUID | None = None,
) -> Allocation:
    return Allocation(
        uuid4(), who.user_id, project or uuid4(), role, Decimal(hours), span[0], span[1]
    )


def people(*members: Person) -> dict[UUID, Person]:
    return {member.user_id: member for member in members}


def test_nothing_to_move_without_conflicts() -> None:
    ann, bob = person("python"), person("python")
    allocations = [booking(ann, 30), booking(ann, 10), booking(bob, 40)]
    plan = optimise(people(ann, bob), allocations, *MARCH)
    assert plan.status == Status.NOTHING_TO_RESOLVE
    assert (plan.conflicts, plan.changes, plan.unresolved) == (0, [], [])
    assert plan.hours_moved == 0


def test_a_single_over_allocation_moves_to_the_one_free_skilled_person() -> None:
    ann, busy, free, designer = (
        person("python"),
        person("python"),
        person("Python"),
        person("design"),
    )
    small = booking(ann, 10)
    allocations = [
        booking(ann, 35),
        small,
        booking(busy, 40),
        booking(free, 20),
    ]
    plan = optimise(people(ann, busy, free, designer), allocations, *MARCH)
    assert plan.status == Status.OPTIMAL
    assert plan.conflicts == 1
    assert [(c.allocation_id, c.to_user_id, c.to_hours) for c in plan.changes] == [
        (small.allocation_id, free.user_id, Decimal(10))
    ]
    # 10 hours a week for four weeks.
    assert (plan.hours_moved, plan.hours_reduced) == (Decimal(40), Decimal(0))
    assert plan.unresolved == []
    assert plan.objective is not None
    assert plan.objective > 0
    assert (
        over_allocations(people(ann, busy, free), apply_changes(allocations, plan.changes), *MARCH)
        == {}
    )


def test_the_allocations_role_decides_the_skill() -> None:
    ann, coder, tester = person("python", "qa"), person("python"), person("qa")
    review = booking(ann, 10, role="QA")
    allocations = [booking(ann, 35, role="python"), review]
    plan = optimise(people(ann, coder, tester), allocations, *MARCH)
    assert [(c.allocation_id, c.to_user_id) for c in plan.changes] == [
        (review.allocation_id, tester.user_id)
    ]


def test_the_freer_skilled_person_is_preferred() -> None:
    ann, half, empty = person("go"), person("go"), person("go")
    moved = booking(ann, 10)
    allocations = [booking(ann, 40), moved, booking(half, 20)]
    plan = optimise(people(ann, half, empty), allocations, *MARCH)
    assert [c.to_user_id for c in plan.changes] == [empty.user_id]


def test_no_free_skilled_person_is_unresolved_with_the_reason() -> None:
    ann, busy, designer = person("python"), person("python"), person("design")
    allocations = [booking(ann, 30), booking(ann, 20), booking(busy, 40)]
    plan = optimise(
        people(ann, busy, designer), allocations, *MARCH, Options(allow_reductions=False)
    )
    assert plan.status == Status.OPTIMAL
    assert plan.changes == []
    [left] = plan.unresolved
    assert left.user_id == ann.user_id
    assert left.overbooking.allocated_hours_per_week == 50
    assert "no member with the skill 'python' has free capacity" in left.reason
    assert "reductions were not allowed" in left.reason


def test_without_a_skilled_person_the_hours_are_reduced_when_allowed() -> None:
    ann, designer = person("python"), person("design")
    large, small = booking(ann, 30), booking(ann, 20)
    plan = optimise(people(ann, designer), [large, small], *MARCH)
    assert plan.unresolved == []
    assert sum(c.from_hours - c.to_hours for c in plan.changes) == 10
    assert {c.to_user_id for c in plan.changes} == {ann.user_id}
    assert plan.hours_reduced == 40
    assert plan.hours_moved == 0


def test_other_skills_are_a_fallback_when_allowed() -> None:
    ann, designer = person("python"), person("design")
    small = booking(ann, 10)
    allocations = [booking(ann, 35), small]
    plan = optimise(people(ann, designer), allocations, *MARCH, Options(allow_other_skills=True))
    assert [(c.allocation_id, c.to_user_id) for c in plan.changes] == [
        (small.allocation_id, designer.user_id)
    ]


def test_moves_respect_the_capacity_of_the_new_person_beyond_the_range() -> None:
    ann, later_busy, free = person("python"), person("python"), person("python")
    long_one = booking(ann, 10, span=(date(2026, 3, 2), date(2026, 4, 24)))
    allocations = [
        booking(ann, 35),
        long_one,
        booking(later_busy, 40, span=(date(2026, 4, 13), date(2026, 4, 24))),
    ]
    plan = optimise(people(ann, later_busy, free), allocations, *MARCH)
    assert [c.to_user_id for c in plan.changes] == [free.user_id]


def test_time_off_makes_an_unmovable_conflict_reported_with_its_reason() -> None:
    off = Person(
        uuid4(),
        Availability(Decimal(40), WEEKDAYS, ((date(2026, 3, 2), date(2026, 3, 27)),)),
        frozenset({"rust"}),
    )
    plan = optimise(people(off), [booking(off, 10)], *MARCH, Options(allow_reductions=False))
    [left] = plan.unresolved
    assert "no capacity then (time off)" in left.reason


def test_inactive_members_are_no_candidates() -> None:
    ann, gone = person("python"), person("python", active=False)
    plan = optimise(
        people(ann, gone),
        [booking(ann, 30), booking(ann, 20)],
        *MARCH,
        Options(allow_reductions=False),
    )
    assert plan.changes == []
    assert len(plan.unresolved) == 1


def test_the_greedy_baseline_moves_the_largest_allocation_that_fits() -> None:
    ann, free = person("python"), person("python")
    large, small = booking(ann, 30), booking(ann, 20)
    plan = greedy(people(ann, free), [large, small], *MARCH)
    assert plan.status == Status.GREEDY
    assert [(c.allocation_id, c.to_user_id) for c in plan.changes] == [
        (large.allocation_id, free.user_id)
    ]
    # The optimiser moves the smaller one: fewer hours.
    best = optimise(people(ann, free), [large, small], *MARCH)
    assert [c.allocation_id for c in best.changes] == [small.allocation_id]
    assert best.hours_moved < plan.hours_moved


def test_the_greedy_baseline_cuts_when_nobody_is_free() -> None:
    ann = person("python")
    plan = greedy(people(ann), [booking(ann, 30), booking(ann, 20)], *MARCH)
    assert plan.unresolved == []
    assert plan.hours_reduced == 40


def test_a_solver_out_of_time_leaves_everything_unresolved_and_says_so() -> None:
    ann, free = person("python"), person("python")
    plan = optimise(
        people(ann, free),
        [booking(ann, 30), booking(ann, 20)],
        *MARCH,
        Options(time_limit_seconds=1e-9),
    )
    assert plan.status == Status.NO_SOLUTION
    assert plan.objective is None
    assert plan.changes == []
    [left] = plan.unresolved
    assert left.reason == "the solver found no solution within 1e-09 s"
