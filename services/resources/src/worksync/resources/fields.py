"""Field types of this service's API: days, hours, percentages, skills, working days, names.

Hours travel as JSON numbers (up to two decimal places); money is the kit's (`Money`, a
decimal string with two places) beside a currency code.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer, StringConstraints, ValidationInfo

from worksync.resources.models import CURRENCY_PATTERN

# Planned days stay clear of the ends of the calendar: detection looks at the day after an
# end, and weeks and months of a report reach past the range they cover.
FIRST_DAY, LAST_DAY = date(2, 1, 1), date(9998, 12, 31)
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]


def not_before_start(end_date: date, info: ValidationInfo) -> date:
    """The `end_date` validator of a period: it ends on or after its `start_date`."""
    start_date = info.data.get("start_date")
    if start_date is not None and end_date < start_date:
        raise ValueError("must not be before start_date")
    return end_date


AsNumber = PlainSerializer(float, return_type=float, when_used="json")


def _number_or_null(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# Computed amounts the API reports (two decimal places), as JSON numbers.
Hours = Annotated[Decimal, AsNumber]
Percent = Annotated[
    Decimal | None,
    PlainSerializer(_number_or_null, return_type=float | None, when_used="json"),
]

HoursPerWeek = Annotated[
    Decimal,
    Field(gt=0, le=168, max_digits=5, decimal_places=2, examples=[40]),
    AsNumber,
]
CurrencyCode = Annotated[str, Field(pattern=CURRENCY_PATTERN, examples=["EUR"])]
JobRole = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Notes = Annotated[str, StringConstraints(max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


def _distinct_skills(skills: list[str]) -> list[str]:
    """Duplicates (ignoring case) are dropped; the first spelling and the order stay."""
    seen: set[str] = set()
    kept: list[str] = []
    for skill in skills:
        if skill.casefold() not in seen:
            seen.add(skill.casefold())
            kept.append(skill)
    return kept


def _distinct_sorted_days(days: list[int]) -> list[int]:
    return sorted(set(days))


Skills = Annotated[list[Skill], Field(max_length=50), AfterValidator(_distinct_skills)]
WorkingDays = Annotated[
    list[Annotated[int, Field(ge=1, le=7)]],
    Field(min_length=1, max_length=7, description="ISO weekdays, Monday = 1"),
    AfterValidator(_distinct_sorted_days),
]
