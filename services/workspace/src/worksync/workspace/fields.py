"""Field types of the workspace API beyond the kit's (`worksync.common.fields`): names,
descriptions, currencies, budgets, hours and percentages.

Budgets travel like the kit's `Money` (a decimal string with two places, `"25000.00"`), with
room for larger amounts; hours as JSON numbers. Both are accepted as numbers or strings and
must not have more than two decimal places.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer, StringConstraints

from worksync.common.fields import AsCents, AsString, DecimalPlaces, JsonInteger
from worksync.workspace.currencies import ISO_4217_CODES


def _check_currency(value: str) -> str:
    if value not in ISO_4217_CODES:
        raise ValueError("must be an ISO 4217 currency code such as EUR")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
LongName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=5000)]
CurrencyCode = Annotated[
    str,
    Field(
        min_length=3,
        max_length=3,
        examples=["EUR"],
        json_schema_extra={"enum": sorted(ISO_4217_CODES)},
    ),
    AfterValidator(_check_currency),
]

Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2, examples=["25000.00"]),
    DecimalPlaces(2, max_digits=14),
    AsCents,
    AsString,
]
"""A project's budget: money like the kit's `Money`, with two more digits."""

Hours = Annotated[
    Decimal,
    Field(ge=0, max_digits=10, decimal_places=2, examples=[120.5]),
    DecimalPlaces(2, max_digits=10),
    PlainSerializer(float, return_type=float, when_used="json"),
]
# More than 0 and at most 24, two places at most: "7.5", "24.00", "0.25".
HOURS_PER_DAY_TEXT = r"^\+?0*(([1-9]|1\d|2[0-3])(\.\d{0,2})?|24(\.0{0,2})?|0?\.(0[1-9]|[1-9]\d?))$"
HoursPerDay = Annotated[
    Decimal,
    Field(gt=0, le=24, decimal_places=2, examples=[8]),
    DecimalPlaces(2, string_pattern=HOURS_PER_DAY_TEXT),
    PlainSerializer(float, return_type=float, when_used="json"),
]
Percent = Annotated[int, Field(ge=0, le=100), JsonInteger]
