"""What the kit's field types refuse, their schemas state; and every method of a path is
named in its 405."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from worksync.common.app import MethodsByPathMiddleware
from worksync.common.errors import install_error_handlers
from worksync.common.fields import IsoDate, JsonInteger, Money, NotNull, TimeZone

pytestmark = pytest.mark.fast


class Change(BaseModel):
    minutes: Annotated[Annotated[int, Field(ge=1), JsonInteger] | None, NotNull] = None
    rate: Money | None = None
    day: IsoDate | None = None


def test_not_null_fields_leave_null_out_of_their_schema() -> None:
    minutes = Change.model_json_schema()["properties"]["minutes"]
    assert minutes["type"] == "integer"
    assert minutes["minimum"] == 1
    with pytest.raises(ValidationError):
        Change.model_validate({"minutes": None})


@pytest.mark.parametrize("value", [True, "5", 5.5])
def test_json_integers_are_json_numbers(value: Any) -> None:
    with pytest.raises(ValidationError):
        Change.model_validate({"minutes": value})


def test_json_integers_take_integral_floats() -> None:
    assert Change.model_validate({"minutes": 5.0}).minutes == 5


def test_money_states_its_places_and_digits() -> None:
    number, text = TypeAdapter(Money).json_schema(mode="validation")["anyOf"]
    assert number["multipleOf"] == 0.01
    assert number["exclusiveMaximum"] == 10**10
    assert text["pattern"] == r"^\+?(\d{1,10}(\.\d{0,2})?|\.\d{1,2})$"


@pytest.mark.parametrize(("given", "taken"), [(1.1500000000000001, "1.15"), ("0.5", "0.50")])
def test_money_takes_what_its_schema_allows(given: Any, taken: str) -> None:
    assert Change.model_validate({"rate": given}).rate == Decimal(taken)


@pytest.mark.parametrize("given", [4560061503.81943, "0.001", "-1"])
def test_money_refuses_what_its_schema_refuses(given: Any) -> None:
    with pytest.raises(ValidationError):
        Change.model_validate({"rate": given})


@pytest.mark.parametrize("given", [0, "0", "20240501", "2024-5-1"])
def test_dates_are_written_out(given: Any) -> None:
    with pytest.raises(ValidationError):
        Change.model_validate({"day": given})
    assert Change.model_validate({"day": "2024-05-01"}).day == date(2024, 5, 1)


def test_time_zones_are_listed() -> None:
    zones = TypeAdapter(TimeZone).json_schema()["enum"]
    assert "Europe/Berlin" in zones
    assert "localtime" not in zones
    assert zones == sorted(zones)


async def test_a_path_answers_405_with_all_its_methods() -> None:
    router = APIRouter()

    @router.get("/members/me")
    async def me() -> None: ...

    @router.get("/members/{user_id}")
    async def member(user_id: int) -> None: ...

    @router.patch("/members/{user_id}")
    async def change(user_id: int) -> None: ...

    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.add_middleware(MethodsByPathMiddleware, routes=app.router.routes)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        literal = await client.patch("/members/me")
        templated = await client.options("/members/7")
        allowed = await client.patch("/members/7")
    assert (literal.status_code, literal.headers["allow"]) == (405, "GET")
    assert literal.headers["content-type"] == "application/problem+json"
    assert (templated.status_code, templated.headers["allow"]) == (405, "GET, PATCH")
    assert allowed.status_code == 200
