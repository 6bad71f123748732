"""Field types every service's API and events share: money, time zones, PATCH fields.

Money is exact: in the API a decimal with two places that travels as a string (`"85.00"`,
accepted as a number or a string), in events a decimal string with two places; both beside
a currency code.
"""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, overload

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

CENT = Decimal("0.01")


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out but not null")
    return value


NotNull = BeforeValidator(_refuse_null)
"""For PATCH fields that may be left out but make no sense as null."""


def _to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


AsCents = AfterValidator(_to_cents)
AsString = PlainSerializer(str, return_type=str, when_used="json")

Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2, examples=["85.00"]),
    AsCents,
    AsString,
]
"""An amount of money in the API (a rate, a cost): non-negative, two decimal places."""

MoneyText = Annotated[str, Field(pattern=r"^\d+\.\d{2}$", examples=["85.00"])]
"""An amount of money in an event: a non-negative decimal string with two places, exact
where a JSON number is not."""


@overload
def money_text(value: Decimal) -> str: ...
@overload
def money_text(value: None) -> None: ...
@overload
def money_text(value: Decimal | None) -> str | None: ...
def money_text(value: Decimal | None) -> str | None:
    """A stored amount as events carry it (`MoneyText`)."""
    return None if value is None else f"{value:.2f}"


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_time_zone(value: str) -> str:
    if value not in _time_zones():
        raise ValueError("must be an IANA time zone such as Europe/Berlin")
    return value


TimeZone = Annotated[
    str, Field(max_length=64, examples=["Europe/Berlin"]), AfterValidator(_check_time_zone)
]
