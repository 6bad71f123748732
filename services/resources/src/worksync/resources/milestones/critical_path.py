"""The critical path method over a project's milestones, in working days (no I/O).

Each milestone is an activity lasting the working days of `[start, due]`; a dependency
`predecessor -> successor` with `lag` working days means the successor starts no earlier
than `lag` working days after the predecessor finishes. A milestone also starts no earlier
than its own planned start (a "start no earlier than" constraint), so a plan that leaves
room shows it as slack.

Forward pass: ES = max(own start, max(EF(pred) + lag)), EF = ES + duration. Backward pass
from the project's finish F = max EF: LF = min(LS(succ) - lag), or F without successors;
LS = LF - duration. Total slack = LS - ES (never negative here). Critical milestones have
no slack; a critical chain follows driving links (EF(pred) + lag = ES(succ)) between
critical milestones from one without a driving critical predecessor to one that finishes
at F. Offsets count working days from the project's first working day.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from worksync.resources.milestones.calendar import working_day, working_index

Key = TypeVar("Key", bound=Hashable)

ONE_DAY = timedelta(days=1)
MAX_CHAINS = 20
"""Critical chains listed at most: parallel critical paths can multiply."""


@dataclass(frozen=True)
class Activity(Generic[Key]):
    id: Key
    start: date
    due: date


@dataclass(frozen=True)
class Link(Generic[Key]):
    predecessor: Key
    successor: Key
    lag: int = 0


@dataclass(frozen=True)
class Schedule(Generic[Key]):
    id: Key
    duration: int
    early_start: date
    early_finish: date
    late_start: date
    late_finish: date
    total_slack: int
    # The early finish against the planned due date, in working days (positive: late).
    finish_variance: int

    @property
    def critical(self) -> bool:
        return self.total_slack == 0


@dataclass(frozen=True)
class CriticalPath(Generic[Key]):
    schedules: list[Schedule[Key]]
    chains: list[list[Key]]
    chains_truncated: bool
    projected_finish: date | None
    latest_due: date | None
    # Working days the projected finish lies after the latest due date (negative: early).
    finish_variance: int | None


class CycleFound(ValueError):
    """The links form a cycle: no schedule exists."""


def closes_cycle(links: Iterable[tuple[Key, Key]], predecessor: Key, successor: Key) -> bool:
    """Whether adding `predecessor -> successor` to the acyclic `links` closes a cycle: the
    successor already leads to the predecessor (or they are the same)."""
    if predecessor == successor:
        return True
    following: dict[Key, list[Key]] = {}
    for before, after in links:
        following.setdefault(before, []).append(after)
    seen = {successor}
    todo = [successor]
    while todo:
        for after in following.get(todo.pop(), ()):
            if after == predecessor:
                return True
            if after not in seen:
                seen.add(after)
                todo.append(after)
    return False


@dataclass(frozen=True, slots=True)
class Timetable:
    """The schedule of activities given by position: each list is indexed like the input;
    chains hold positions."""

    duration: list[int]
    early_start: list[date]
    early_finish: list[date]
    late_start: list[date]
    late_finish: list[date]
    total_slack: list[int]
    finish_variance: list[int]
    chains: list[list[int]]
    chains_truncated: bool
    projected_finish: date | None
    latest_due: date | None
    project_finish_variance: int | None


def timetable(
    starts: Sequence[date], dues: Sequence[date], links: Iterable[tuple[int, int, int]]
) -> Timetable:
    """The critical path method over activities `0 .. len(starts) - 1` (planned `starts[n]`
    to `dues[n]`) and `links` of `(predecessor, successor, lag)` positions.

    Works on positions and flat lists: hashing thousands of keys and building an object per
    activity and link cost more than the method itself.
    """
    count = len(starts)
    if not count:
        return Timetable([], [], [], [], [], [], [], [], False, None, None, None)
    # Milestones share dates: each distinct one is converted once.
    index_of = {day: working_index(day) for day in {*starts, *dues}}
    after_due = {due: working_index(due + ONE_DAY) for due in set(dues)}
    start_index = [index_of[start] for start in starts]
    base = min(start_index)
    own_start = [index - base for index in start_index]
    # As working_days_between(start, due).
    duration = [
        max(0, after_due[due] - index) for index, due in zip(start_index, dues, strict=True)
    ]
    links = list(links)
    preceding: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    succeeding: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for predecessor, successor, lag in links:
        preceding[successor].append((predecessor, lag))
        succeeding[predecessor].append((successor, lag))
    order = _topological(preceding, succeeding)

    # Comparisons rather than max() and min(): these loops run once per link.
    early_start = [0] * count
    early_finish = [0] * count
    for position in order:
        start = own_start[position]
        for predecessor, lag in preceding[position]:
            candidate = early_finish[predecessor] + lag
            if candidate > start:
                start = candidate
        early_start[position] = start
        early_finish[position] = start + duration[position]
    finish = max(early_finish)

    late_start = [0] * count
    late_finish = [0] * count
    for position in reversed(order):
        latest = finish
        for successor, lag in succeeding[position]:
            candidate = late_start[successor] - lag
            if candidate < latest:
                latest = candidate
        late_finish[position] = latest
        late_start[position] = latest - duration[position]

    days: dict[int, date] = {}

    def day(offset: int) -> date:
        """The working day `offset` days after the first (a few hundred distinct ones)."""
        found = days.get(offset)
        if found is None:
            found = days[offset] = working_day(base + offset)
        return found

    slack = [late - early for late, early in zip(late_start, early_start, strict=True)]
    # The last working day of an activity over offsets [start, finish) (its start day when
    # it lasts no working day).
    early_last = [max(f - 1, s) for s, f in zip(early_start, early_finish, strict=True)]
    late_last = [max(f - 1, s) for s, f in zip(late_start, late_finish, strict=True)]
    driving: list[list[int]] = [[] for _ in range(count)]
    driven = [False] * count
    for predecessor, successor, lag in links:
        if (
            not slack[predecessor]
            and not slack[successor]
            and early_finish[predecessor] + lag == early_start[successor]
        ):
            driving[predecessor].append(successor)
            driven[successor] = True
    chains, truncated = _chains(
        [position for position in order if not slack[position] and not driven[position]],
        driving,
    )
    projected = day(max(finish - 1, 0))
    latest_due = max(dues)
    return Timetable(
        duration=duration,
        early_start=[day(offset) for offset in early_start],
        early_finish=[day(offset) for offset in early_last],
        late_start=[day(offset) for offset in late_start],
        late_finish=[day(offset) for offset in late_last],
        total_slack=slack,
        # working_index(working_day(n)) == n: the variance needs no dates.
        finish_variance=[
            base + last - index_of[due] for last, due in zip(early_last, dues, strict=True)
        ],
        chains=chains,
        chains_truncated=truncated,
        projected_finish=projected,
        latest_due=latest_due,
        project_finish_variance=_variance(projected, latest_due),
    )


def critical_path(
    activities: Sequence[Activity[Key]], links: Sequence[Link[Key]]
) -> CriticalPath[Key]:
    """Schedule `activities` linked by `links` (between listed activities only)."""
    keys = [activity.id for activity in activities]
    position = {key: number for number, key in enumerate(keys)}
    table = timetable(
        [activity.start for activity in activities],
        [activity.due for activity in activities],
        [(position[link.predecessor], position[link.successor], link.lag) for link in links],
    )
    schedules = [
        Schedule(
            id=key,
            duration=table.duration[number],
            early_start=table.early_start[number],
            early_finish=table.early_finish[number],
            late_start=table.late_start[number],
            late_finish=table.late_finish[number],
            total_slack=table.total_slack[number],
            finish_variance=table.finish_variance[number],
        )
        for number, key in enumerate(keys)
    ]
    return CriticalPath(
        schedules=schedules,
        chains=[[keys[number] for number in chain] for chain in table.chains],
        chains_truncated=table.chains_truncated,
        projected_finish=table.projected_finish,
        latest_due=table.latest_due,
        finish_variance=table.project_finish_variance,
    )


def _topological(
    preceding: list[list[tuple[int, int]]], succeeding: list[list[tuple[int, int]]]
) -> list[int]:
    """Kahn's algorithm, first in first out (`order` is its own queue): positions without
    predecessors in their order, then each as its last predecessor comes."""
    incoming = [len(links) for links in preceding]
    order = [position for position, count in enumerate(incoming) if not count]
    for position in order:
        for successor, _lag in succeeding[position]:
            incoming[successor] -= 1
            if not incoming[successor]:
                order.append(successor)
    if len(order) != len(preceding):
        raise CycleFound("the dependencies form a cycle")
    return order


def _variance(finish: date, due: date) -> int:
    """Working days from `due` to `finish` (negative when `finish` comes first)."""
    return working_index(finish) - working_index(due)


def _chains(starts: list[int], driving: list[list[int]]) -> tuple[list[list[int]], bool]:
    """Every path along `driving` links from a start to a milestone without one, up to
    `MAX_CHAINS` (and whether more were left out)."""
    chains: list[list[int]] = []
    stack: list[list[int]] = [[start] for start in reversed(starts)]
    while stack:
        path = stack.pop()
        following = driving[path[-1]]
        if not following:
            if len(chains) == MAX_CHAINS:
                return chains, True
            chains.append(path)
            continue
        stack.extend([*path, key] for key in reversed(following))
    return chains, False
