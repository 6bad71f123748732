"""The critical path method against a network computed by hand, and the cycle check."""

from __future__ import annotations

from datetime import date

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
    closes_cycle,
    critical_path,
)

pytestmark = pytest.mark.fast

MONDAY = date(2026, 1, 5)


def _activity(key: str, working_days: int, start: date = MONDAY) -> Activity[str]:
    """An activity of `working_days` from `start` (a working day)."""
    due = working_day(working_index(start) + working_days - 1)
    return Activity(key, start, due)


def test_the_calendar_counts_monday_to_friday() -> None:
    assert working_days_between(date(2026, 1, 5), date(2026, 1, 9)) == 5
    assert working_days_between(date(2026, 1, 9), date(2026, 1, 12)) == 2
    assert working_days_between(date(2026, 1, 10), date(2026, 1, 11)) == 0
    assert working_days_between(date(2026, 1, 9), date(2026, 1, 8)) == 0
    assert working_index(date(2026, 1, 10)) == working_index(date(2026, 1, 12))
    assert working_day(working_index(MONDAY) + 5) == date(2026, 1, 12)
    assert working_day(working_index(date(2026, 1, 9))) == date(2026, 1, 9)


# A textbook network with two parallel critical chains and a lag (offsets in working days
# from Monday 5 January 2026, computed by hand):
#
#   activity  duration  after            ES  EF  LS  LF  slack
#   A         3         -                 0   3   0   3  0
#   B         5         A                 3   8   3   8  0
#   C         2         A + 2 days lag    5   7   5   7  0
#   D         4         B                 8  12   8  12  0
#   E         5         C                 7  12   7  12  0
#   F         2         D, E             12  14  12  14  0
#   G         3         A                 3   6  11  14  8
#   H         1         - (starts 19 Jan) 10 11  13  14  3
#
# Project finish: offset 14, i.e. the 14th working day, Thursday 22 January; the latest
# due date is H's, Monday 19 January: three working days late.
NETWORK = [
    _activity("A", 3),
    _activity("B", 5),
    _activity("C", 2),
    _activity("D", 4),
    _activity("E", 5),
    _activity("F", 2),
    _activity("G", 3),
    _activity("H", 1, start=date(2026, 1, 19)),
]
LINKS = [
    Link("A", "B"),
    Link("A", "C", lag=2),
    Link("B", "D"),
    Link("C", "E"),
    Link("D", "F"),
    Link("E", "F"),
    Link("A", "G"),
]


def _offset(day: date) -> int:
    return working_index(day) - working_index(MONDAY)


def test_a_known_network_is_scheduled_as_computed_by_hand() -> None:
    result = critical_path(NETWORK, LINKS)
    table = {
        s.id: (
            _offset(s.early_start),
            _offset(s.early_finish) + 1,
            _offset(s.late_start),
            _offset(s.late_finish) + 1,
            s.total_slack,
        )
        for s in result.schedules
    }
    assert table == {
        "A": (0, 3, 0, 3, 0),
        "B": (3, 8, 3, 8, 0),
        "C": (5, 7, 5, 7, 0),
        "D": (8, 12, 8, 12, 0),
        "E": (7, 12, 7, 12, 0),
        "F": (12, 14, 12, 14, 0),
        "G": (3, 6, 11, 14, 8),
        "H": (10, 11, 13, 14, 3),
    }
    assert result.chains == [["A", "B", "D", "F"], ["A", "C", "E", "F"]]
    assert not result.chains_truncated
    assert result.projected_finish == date(2026, 1, 22)
    assert result.latest_due == date(2026, 1, 19)
    assert result.finish_variance == 3
    schedules = {s.id: s for s in result.schedules}
    # C starts on Monday 12 January: A ends Wednesday 7th, two working days of lag.
    assert schedules["C"].early_start == date(2026, 1, 12)
    assert schedules["G"].early_finish == date(2026, 1, 12)
    # F was planned for 5-6 January; it can finish on the 22nd at the earliest.
    assert schedules["F"].finish_variance == 12
    assert [s.id for s in result.schedules if s.critical] == ["A", "B", "C", "D", "E", "F"]


def test_a_lag_that_grows_moves_one_chain_off_the_critical_path() -> None:
    links = [link if link.successor != "C" else Link("A", "C", lag=3) for link in LINKS]
    result = critical_path(NETWORK, links)
    slack = {s.id: s.total_slack for s in result.schedules}
    assert result.chains == [["A", "C", "E", "F"]]
    assert (slack["B"], slack["D"], slack["C"]) == (1, 1, 0)
    assert result.projected_finish == date(2026, 1, 23)


def test_a_single_milestone_and_none() -> None:
    one = critical_path([Activity("X", date(2026, 1, 9), date(2026, 1, 13))], [])
    assert one.chains == [["X"]]
    assert one.schedules[0].duration == 3
    assert (one.projected_finish, one.finish_variance) == (date(2026, 1, 13), 0)
    # A milestone on a weekend lasts no working day; it starts and ends on the Monday.
    weekend = critical_path([Activity("W", date(2026, 1, 10), date(2026, 1, 11))], [])
    assert weekend.schedules[0].duration == 0
    assert weekend.schedules[0].early_start == date(2026, 1, 12)
    empty: CriticalPath[str] = critical_path([], [])
    assert (empty.schedules, empty.chains, empty.projected_finish) == ([], [], None)


def test_parallel_chains_are_listed_up_to_a_limit() -> None:
    activities = [_activity("start", 1), _activity("end", 1)]
    links = []
    for n in range(MAX_CHAINS + 5):
        activities.append(_activity(f"m{n}", 2))
        links += [Link("start", f"m{n}"), Link(f"m{n}", "end")]
    result = critical_path(activities, links)
    assert len(result.chains) == MAX_CHAINS
    assert result.chains_truncated


def test_a_cycle_is_found() -> None:
    edges = [("A", "B"), ("B", "C"), ("A", "D")]
    assert closes_cycle(edges, "C", "A")
    assert closes_cycle(edges, "A", "A")
    assert not closes_cycle(edges, "D", "C")
    assert not closes_cycle(edges, "A", "C")
    with pytest.raises(CycleFound):
        critical_path([_activity("A", 1), _activity("B", 1)], [Link("A", "B"), Link("B", "A")])
