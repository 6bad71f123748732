"""Field types of this service's API: days, hours, percentages, skills (the kit's, shared with
workspace's staff profiles), working days, names.

Hours travel as JSON numbers (up to two decimal places); money is the kit's (`Money`, a
decimal string with two places) beside a currency code.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer, StringConstraints, ValidationInfo

from worksync.common.fields import DecimalPlaces, IsoDate
from worksync.resources.models import CURRENCY_PATTERN

# Planned days stay clear of the ends of the calendar: detection looks at the day after an
# end, and weeks and months of a report reach past the range they cover.
FIRST_DAY, LAST_DAY = date(2, 1, 1), date(9998, 12, 31)
# The document states the bounds as a pattern too (`ge`/`le` are no JSON Schema for dates).
Day = Annotated[
    IsoDate,
    Field(ge=FIRST_DAY, le=LAST_DAY, json_schema_extra={"pattern": "^(?!000[01]-|9999-)"}),
]


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

_HOURS_PER_WEEK = Field(gt=0, le=168, max_digits=5, decimal_places=2, examples=[40])
# As answers carry it: the request's `multipleOf` is not restated, since a JSON Schema
# validator finds a float such as 0.07 no exact multiple of 0.01.
HoursPerWeekRead = Annotated[Decimal, _HOURS_PER_WEEK, AsNumber]
# More than 0 and at most 168, two places at most: "40", "37.5", "168.00", "0.25".
HOURS_PER_WEEK_TEXT = (
    r"^\+?0*(([1-9]\d?|1[0-5]\d|16[0-7])(\.\d{0,2})?|168(\.0{0,2})?|0?\.(0[1-9]|[1-9]\d?))$"
)
HoursPerWeek = Annotated[
    Decimal,
    _HOURS_PER_WEEK,
    DecimalPlaces(2, max_digits=5, string_pattern=HOURS_PER_WEEK_TEXT),
    AsNumber,
]
CurrencyCode = Annotated[str, Field(pattern=CURRENCY_PATTERN, examples=["EUR"])]
JobRole = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Notes = Annotated[str, StringConstraints(max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


def _distinct_sorted_days(days: list[int]) -> list[int]:
    return sorted(set(days))


WorkingDays = Annotated[
    list[Annotated[int, Field(ge=1, le=7)]],
    Field(min_length=1, max_length=7, description="ISO weekdays, Monday = 1"),
    AfterValidator(_distinct_sorted_days),
]
