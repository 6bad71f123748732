"""Field types the API shares: names, currencies, time zones, money and hours.

Money travels as a decimal string with two places (`"120.00"`); hours as JSON numbers.
Both are accepted as numbers or strings and must not have more than two decimal places.
"""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, StringConstraints

from worksync.workspace.currencies import ISO_4217_CODES

CENT = Decimal("0.01")


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_time_zone(value: str) -> str:
    if value not in _time_zones():
        raise ValueError("must be an IANA time zone such as Europe/Berlin")
    return value


def _check_currency(value: str) -> str:
    if value not in ISO_4217_CODES:
        raise ValueError("must be an ISO 4217 currency code such as EUR")
    return value


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out but not null")
    return value


def _to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


# For PATCH fields that may be left out but make no sense as null.
NotNull = BeforeValidator(_refuse_null)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
LongName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=5000)]
TimeZone = Annotated[
    str, Field(max_length=64, examples=["Europe/Berlin"]), AfterValidator(_check_time_zone)
]
CurrencyCode = Annotated[
    str, Field(min_length=3, max_length=3, examples=["EUR"]), AfterValidator(_check_currency)
]


AsCents = AfterValidator(_to_cents)
AsString = PlainSerializer(str, return_type=str, when_used="json")

# Hourly rates and budgets, as decimal strings.
Rate = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2, examples=["120.00"]),
    AsCents,
    AsString,
]
Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2, examples=["25000.00"]),
    AsCents,
    AsString,
]

Hours = Annotated[
    Decimal,
    Field(ge=0, max_digits=10, decimal_places=2, examples=[120.5]),
    PlainSerializer(float, return_type=float, when_used="json"),
]
HoursPerDay = Annotated[
    Decimal,
    Field(gt=0, le=24, decimal_places=2, examples=[8]),
    PlainSerializer(float, return_type=float, when_used="json"),
]
Percent = Annotated[int, Field(ge=0, le=100)]
