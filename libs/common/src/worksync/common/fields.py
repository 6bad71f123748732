"""Field types every service's API and events share: money, time zones, PATCH fields, query
dates, skills.

Money is exact: in the API a decimal with two places that travels as a string (`"85.00"`,
accepted as a number or a string), in events a decimal string with two places; both beside
a currency code.

Each type's OpenAPI schema states what its validation refuses (no null where null is
refused, the decimal places, a query date's format), so that a client generated from the
document, or schemathesis, never sends a value the document allows and the API refuses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Annotated, Any, overload

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

CENT = Decimal("0.01")


@dataclass(frozen=True)
class _NotNull:
    """Refuses null, and leaves null out of the field's schema (`X | None` would state it)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_refuse_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        branches = [b for b in json_schema.get("anyOf", []) if b != {"type": "null"}]
        if len(branches) == len(json_schema.get("anyOf", [])):
            return json_schema
        rest = {k: v for k, v in json_schema.items() if k != "anyOf"}
        if len(branches) == 1:
            return {**branches[0], **rest}
        return {"anyOf": branches, **rest}


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out but not null")
    return value


NotNull = _NotNull()
"""For PATCH fields that may be left out but make no sense as null: `Annotated[X | None,
NotNull] = None`; the document says "may be left out" by not listing the field as required
and "not null" by leaving null out of its type."""

# How far (in units of its last place) a float may be off a multiple of the places and
# still be taken as it: `115 * 0.01` is one unit off 1.15.
_FLOAT_SLACK_ULPS = 2


@dataclass(frozen=True)
class DecimalPlaces:
    """States in the schema a decimal's `decimal_places` (and `max_digits`) constraint:
    `multipleOf` for a number, a pattern for a string. A float within float precision of
    such a multiple (`1.1500000000000001`, as a JSON number multiple of 0.01 may arrive) is
    taken as that multiple, as JSON Schema's `multipleOf` takes it. Put it after the
    `Field(decimal_places=…)` it states."""

    places: int
    max_digits: int | None = None
    # For a bounded quantity (hours in a day): the pattern of its strings, bounds included,
    # which the places and digits alone do not state.
    string_pattern: str | None = None

    def _snap(self, value: Any) -> Any:
        if isinstance(value, float) and math.isfinite(value):
            snapped = round(value, self.places)
            if abs(value - snapped) <= _FLOAT_SLACK_ULPS * math.ulp(value):
                return Decimal(repr(snapped))
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self._snap, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        branches = json_schema.get("anyOf", [json_schema])
        numbers = [b for b in branches if b.get("type") == "number"]
        signed = not any(b.get("minimum", b.get("exclusiveMinimum", -1)) >= 0 for b in numbers)
        for branch in numbers:
            # On requests only: a validator checks `multipleOf` on a float answer by float
            # division (0.07 / 0.01 is no integer), so an answer's number states no places.
            if handler.mode == "validation":
                branch["multipleOf"] = float(Decimal(1).scaleb(-self.places))
            if self.max_digits is not None and "maximum" not in branch:
                branch["exclusiveMaximum"] = 10 ** (self.max_digits - self.places)
        whole = "+" if self.max_digits is None else f"{{1,{self.max_digits - self.places}}}"
        sign = "[+-]?" if signed else r"\+?"
        for branch in branches:
            if branch.get("type") == "string":
                branch["pattern"] = self.string_pattern or (
                    rf"^{sign}(\d{whole}(\.\d{{0,{self.places}}})?|\.\d{{1,{self.places}}})$"
                )
        return json_schema


def _iso_date_text(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date, YYYY-MM-DD")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _json_number(value: Any) -> Any:
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON number")
    return value


JsonInteger = BeforeValidator(_json_number)
"""For an integer in a body: a JSON integer (`5`, or `5.0`, which JSON Schema counts as
one), never `true` or `"5"` (lax validation would take both). After the constraints, which
the schema would otherwise lose: `Annotated[int, Field(ge=1), JsonInteger]`."""

IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
"""A date in a query parameter or a body: `YYYY-MM-DD` only, as the document states (lax
validation would take `0` as 1970-01-01)."""


def _to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


AsCents = AfterValidator(_to_cents)
AsString = PlainSerializer(str, return_type=str, when_used="json")

Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2, examples=["85.00"]),
    DecimalPlaces(2, max_digits=12),
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
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones of the `tzdata` release in the lock, sorted: the same list on every
    machine (the system's database varies), so the document and validation agree."""
    listed = (resources.files("tzdata") / "zones").read_text(encoding="utf-8").split()
    return tuple(sorted(listed))


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(time_zone_names())


def _check_time_zone(value: str) -> str:
    if value not in _time_zones():
        raise ValueError("must be an IANA time zone such as Europe/Berlin")
    return value


def _list_time_zones(schema: JsonSchemaValue) -> None:
    schema["enum"] = list(time_zone_names())


TimeZone = Annotated[
    str,
    Field(max_length=64, examples=["Europe/Berlin"], json_schema_extra=_list_time_zones),
    AfterValidator(_check_time_zone),
]


MAX_SKILLS = 50
MAX_SKILL_LENGTH = 50

Skill = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SKILL_LENGTH)
]
"""A skill's name, trimmed."""


def distinct_skills(skills: list[str]) -> list[str]:
    """Duplicates (ignoring case) are dropped; the first spelling and the order stay."""
    seen: set[str] = set()
    kept: list[str] = []
    for skill in skills:
        if skill.casefold() not in seen:
            seen.add(skill.casefold())
            kept.append(skill)
    return kept


Skills = Annotated[list[Skill], Field(max_length=MAX_SKILLS), AfterValidator(distinct_skills)]
"""A person's skills, as capacity profiles (resources) and staff profiles (workspace) hold
them: trimmed names, at most `MAX_SKILLS`, each once (ignoring case, first spelling kept)."""
