"""Which budget thresholds a consumption has reached: a plain function, no I/O."""

from __future__ import annotations

from decimal import Decimal

THRESHOLDS = (80, 100)


def thresholds_reached(consumed: Decimal, budget: Decimal | None) -> list[int]:
    """The percentages of `THRESHOLDS` that `consumed` has reached of a positive `budget`
    (none without one)."""
    if budget is None or budget <= 0:
        return []
    return [percent for percent in THRESHOLDS if consumed * 100 >= budget * percent]


def percent_of(consumed: Decimal, budget: Decimal | None) -> Decimal | None:
    """`consumed` as a percentage of a positive `budget`, to one decimal."""
    if budget is None or budget <= 0:
        return None
    return (consumed * 100 / budget).quantize(Decimal("0.1"))
