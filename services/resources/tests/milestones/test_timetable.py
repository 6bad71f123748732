"""The critical path over positions (`timetable`) gives what the method gave when it worked
on keys, dictionaries and an object per link: the former implementation is kept here as the
reference and both run on random networks."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Hashable, Sequence
from datetime import date, timedelta
from typing import TypeVar

import pytest

from worksync.resources.milestones.calendar import (
    working_day,
    working_days_between,
    working_index,
)
from worksync.resources.milestones.critical_path import (
    MAX_CHAINS,
    Activity,
    CriticalPath,
    CycleFound,
    Link,
    Schedule,
    critical_path,
    timetable,
)

pytestmark = pytest.mark.fast

Key = TypeVar("Key", bound=Hashable)


def _reference(
    activities: Sequence[Activity[Key]], links: Sequence[Link[Key]]
) -> CriticalPath[Key]:
    """The critical path method as first written (keys, dictionaries, a deque)."""
    if not activities:
        return CriticalPath([], [], False, None, None, None)
    keys = [activity.id for activity in activities]
    by_key = {activity.id: activity for activity in activities}
    base = min(working_index(activity.start) for activity in activities)
    duration = {a.id: working_days_between(a.start, a.due) for a in activities}
    before: dict[Key, list[Link[Key]]] = {key: [] for key in keys}
    after: dict[Key, list[Link[Key]]] = {key: [] for key in keys}
    incoming = dict.fromkeys(keys, 0)
    following: dict[Key, list[Key]] = {key: [] for key in keys}
    for link in links:
        before[link.successor].append(link)
        after[link.predecessor].append(link)
        incoming[link.successor] += 1
        following[link.predecessor].append(link.successor)
    ready = deque(key for key in keys if incoming[key] == 0)
    order: list[Key] = []
    while ready:
        key = ready.popleft()
        order.append(key)
        for successor in following[key]:
            incoming[successor] -= 1
            if incoming[successor] == 0:
                ready.append(successor)
    if len(order) != len(keys):
        raise CycleFound("the dependencies form a cycle")

    def finish_date(start: int, finish: int) -> date:
        return working_day(base + max(finish - 1, start))

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
            early_finish=finish_date(early_start[key], early_finish[key]),
            late_start=working_day(base + late_start[key]),
            late_finish=finish_date(late_start[key], late_finish[key]),
            total_slack=late_start[key] - early_start[key],
            finish_variance=working_index(finish_date(early_start[key], early_finish[key]))
            - working_index(by_key[key].due),
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
    chains: list[list[Key]] = []
    truncated = False
    stack = [[key] for key in reversed(order) if slack[key] == 0 and key not in driven]
    while stack:
        path = stack.pop()
        if not driving[path[-1]]:
            if len(chains) == MAX_CHAINS:
                truncated = True
                break
            chains.append(path)
            continue
        stack.extend([*path, key] for key in reversed(driving[path[-1]]))
    projected = finish_date(0, finish)
    latest_due = max(activity.due for activity in activities)
    return CriticalPath(
        schedules=schedules,
        chains=chains,
        chains_truncated=truncated,
        projected_finish=projected,
        latest_due=latest_due,
        finish_variance=working_index(projected) - working_index(latest_due),
    )


def _random_network(
    rng: random.Random, *, layered: bool
) -> tuple[list[Activity[str]], list[Link[str]]]:
    """Milestones starting on any day (weekends too), some due before they start; links
    only forwards (no cycle), in random order. `layered`: equal durations in layers, every
    node linked to several of the layer before, so that parallel critical chains abound."""
    first = date(2026, 1, 1) + timedelta(days=rng.randrange(7))
    if layered:
        width, depth = rng.randint(2, 5), rng.randint(2, 6)
        names = [f"m{layer}-{n}" for layer in range(depth) for n in range(width)]
        activities = [Activity(name, first, first + timedelta(days=2)) for name in names]
        links = [
            Link(f"m{layer - 1}-{before}", f"m{layer}-{after}")
            for layer in range(1, depth)
            for after in range(width)
            for before in range(width)
            if rng.random() < 0.8
        ]
    else:
        count = rng.randint(1, 40)
        activities = []
        for number in range(count):
            start = first + timedelta(days=rng.randrange(30))
            activities.append(Activity(f"m{number}", start, start + timedelta(rng.randint(-2, 12))))
        pairs = {
            (rng.randrange(successor), successor)
            for successor in range(1, count)
            for _ in range(rng.randint(0, 3))
        }
        links = [Link(f"m{before}", f"m{after}", rng.randint(0, 3)) for before, after in pairs]
    rng.shuffle(activities)
    rng.shuffle(links)
    return activities, links


@pytest.mark.parametrize("layered", [False, True])
def test_the_method_on_positions_matches_the_reference_on_random_networks(layered: bool) -> None:
    rng = random.Random(20261206 + layered)
    for _ in range(300):
        activities, links = _random_network(rng, layered=layered)
        assert critical_path(activities, links) == _reference(activities, links)


def test_layered_networks_reach_the_chain_limit() -> None:
    """The random layered networks do cover truncation (else the comparison misses it)."""
    rng = random.Random(20261207)
    results = [critical_path(*_random_network(rng, layered=True)) for _ in range(300)]
    assert any(result.chains_truncated for result in results)
    assert any(len(result.chains) > 1 and not result.chains_truncated for result in results)


def test_positions_come_back_as_given() -> None:
    monday = date(2026, 1, 5)
    table = timetable(
        [monday, monday, monday],
        [monday + timedelta(days=1), monday + timedelta(days=4), monday],
        [(0, 2, 1), (1, 2, 0)],
    )
    assert table.duration == [2, 5, 1]
    assert table.early_start[2] == monday + timedelta(days=7)
    assert table.chains == [[1, 2]]
    assert table.total_slack == [2, 0, 0]
    assert timetable([], [], []).projected_finish is None
    with pytest.raises(CycleFound):
        timetable([monday, monday], [monday, monday], [(0, 1, 0), (1, 0, 0)])
