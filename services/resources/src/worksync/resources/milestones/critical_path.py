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

from collections import deque
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from worksync.resources.milestones.calendar import (
    working_day,
    working_days_between,
    working_index,
)

Key = TypeVar("Key", bound=Hashable)

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


def _topological(keys: Sequence[Key], links: Sequence[Link[Key]]) -> list[Key]:
    incoming = dict.fromkeys(keys, 0)
    following: dict[Key, list[Key]] = {key: [] for key in keys}
    for link in links:
        incoming[link.successor] += 1
        following[link.predecessor].append(link.successor)
    ready = deque(key for key in keys if incoming[key] == 0)
    order: list[Key] = []
    while ready:
        key = ready.popleft()
        order.append(key)
        for after in following[key]:
            incoming[after] -= 1
            if incoming[after] == 0:
                ready.append(after)
    if len(order) != len(keys):
        raise CycleFound("the dependencies form a cycle")
    return order


def _finish_date(base: int, start: int, finish: int) -> date:
    """The last working day of an activity over offsets `[start, finish)` (its start day
    when it lasts no working day)."""
    return working_day(base + max(finish - 1, start))


def critical_path(
    activities: Sequence[Activity[Key]], links: Sequence[Link[Key]]
) -> CriticalPath[Key]:
    """Schedule `activities` linked by `links` (between listed activities only)."""
    if not activities:
        return CriticalPath([], [], False, None, None, None)
    keys = [activity.id for activity in activities]
    by_key = {activity.id: activity for activity in activities}
    base = min(working_index(activity.start) for activity in activities)
    duration = {
        activity.id: working_days_between(activity.start, activity.due) for activity in activities
    }
    before: dict[Key, list[Link[Key]]] = {key: [] for key in keys}
    after: dict[Key, list[Link[Key]]] = {key: [] for key in keys}
    for link in links:
        before[link.successor].append(link)
        after[link.predecessor].append(link)
    order = _topological(keys, links)

    early_start: dict[Key, int] = {}
    early_finish: dict[Key, int] = {}
    for key in order:
        start = working_index(by_key[key].start) - base
        for link in before[key]:
            start = max(start, early_finish[link.predecessor] + link.lag)
        early_start[key] = start
        early_finish[key] = start + duration[key]
    finish = max(early_finish.values())

    late_start: dict[Key, int] = {}
    late_finish: dict[Key, int] = {}
    for key in reversed(order):
        latest = finish
        for link in after[key]:
            latest = min(latest, late_start[link.successor] - link.lag)
        late_finish[key] = latest
        late_start[key] = latest - duration[key]

    schedules = [
        Schedule(
            id=key,
            duration=duration[key],
            early_start=working_day(base + early_start[key]),
            early_finish=_finish_date(base, early_start[key], early_finish[key]),
            late_start=working_day(base + late_start[key]),
            late_finish=_finish_date(base, late_start[key], late_finish[key]),
            total_slack=late_start[key] - early_start[key],
            finish_variance=_variance(
                _finish_date(base, early_start[key], early_finish[key]), by_key[key].due
            ),
        )
        for key in keys
    ]
    slack = {schedule.id: schedule.total_slack for schedule in schedules}
    driving: dict[Key, list[Key]] = {key: [] for key in keys}
    driven: set[Key] = set()
    for link in links:
        if (
            slack[link.predecessor] == 0
            and slack[link.successor] == 0
            and early_finish[link.predecessor] + link.lag == early_start[link.successor]
        ):
            driving[link.predecessor].append(link.successor)
            driven.add(link.successor)
    chains, truncated = _chains(
        [key for key in order if slack[key] == 0 and key not in driven], driving
    )
    projected = _finish_date(base, 0, finish)
    latest_due = max(activity.due for activity in activities)
    return CriticalPath(
        schedules=schedules,
        chains=chains,
        chains_truncated=truncated,
        projected_finish=projected,
        latest_due=latest_due,
        finish_variance=_variance(projected, latest_due),
    )


def _variance(finish: date, due: date) -> int:
    """Working days from `due` to `finish` (negative when `finish` comes first)."""
    return working_index(finish) - working_index(due)


def _chains(starts: list[Key], driving: dict[Key, list[Key]]) -> tuple[list[list[Key]], bool]:
    """Every path along `driving` links from a start to a milestone without one, up to
    `MAX_CHAINS` (and whether more were left out)."""
    chains: list[list[Key]] = []
    stack: list[list[Key]] = [[start] for start in reversed(starts)]
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
