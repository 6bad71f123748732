"""A list's filters bound by name: the values a request gives, the conditions of a shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Column, Date, Integer, MetaData, Table, bindparam

from worksync.common.repository import BoundFilters

_things = Table(
    "things", MetaData(), Column("size", Integer), Column("due", Date), Column("rank", Integer)
)
FILTERS = BoundFilters(
    {
        "size": _things.c.size == bindparam("size"),
        "due_before": _things.c.due <= bindparam("due_before"),
        "rank": _things.c.rank == bindparam("rank"),
    }
)


@dataclass(frozen=True)
class ThingFilters:
    size: int | None = None
    due_before: date | None = None
    rank: int | None = None


def test_a_request_gives_the_values_of_the_filters_it_names() -> None:
    given = FILTERS.given(ThingFilters(size=0, rank=None, due_before=date(2026, 1, 2)))
    # A falsy value is a filter too; None is none.
    assert given == {"size": 0, "due_before": date(2026, 1, 2)}
    assert list(FILTERS) == ["size", "due_before", "rank"]


def test_a_shapes_conditions_come_in_their_declared_order() -> None:
    conditions = FILTERS.conditions(frozenset({"rank", "size"}))
    assert [str(condition) for condition in conditions] == [
        "things.size = :size",
        "things.rank = :rank",
    ]
    assert FILTERS.conditions(frozenset()) == []
