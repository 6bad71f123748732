"""Budget thresholds as plain functions. No database, no broker."""

from __future__ import annotations

from decimal import Decimal

import pytest

from worksync.timetracking.budgets.rules import percent_of, thresholds_reached

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    ("consumed", "budget", "reached"),
    [
        ("0", "10", []),
        ("7.99", "10", []),
        ("8", "10", [80]),
        ("9.99", "10", [80]),
        ("10", "10", [80, 100]),
        ("25", "10", [80, 100]),
        ("100", None, []),
        ("100", "0", []),
    ],
)
def test_thresholds_reached(consumed: str, budget: str | None, reached: list[int]) -> None:
    limit = None if budget is None else Decimal(budget)
    assert thresholds_reached(Decimal(consumed), limit) == reached


def test_percent_of_a_budget() -> None:
    assert percent_of(Decimal("8"), Decimal("10")) == Decimal("80.0")
    assert percent_of(Decimal("1"), Decimal("3")) == Decimal("33.3")
    assert percent_of(Decimal("1"), None) is None
    assert percent_of(Decimal("1"), Decimal("0")) is None
