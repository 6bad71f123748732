"""`RowAnswer`: a model's answer from values, without building the model, written by
`encoded` exactly as the model is."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import pytest
from pydantic import BaseModel, Field

from worksync.common.fields import Money
from worksync.common.pagination import Page, page_answer
from worksync.common.responses import RowAnswer, encoded

pytestmark = pytest.mark.fast


class Colour(StrEnum):
    RED = "red"


class Part(BaseModel):
    name: str
    count: int


class Gadget(BaseModel):
    id: UUID
    made_on: date
    updated_at: datetime
    price: Money | None
    colour: Colour
    tags: list[str]
    part: Part | None
    ready: bool


def values() -> dict[str, object]:
    """A row's values, as the database hands them over (enums as their text), out of order."""
    return {
        "ready": True,
        "part": {"name": "bolt", "count": 3},
        "tags": ["a", "b"],
        "colour": "red",
        "price": Decimal("85.50"),
        "updated_at": datetime(2026, 12, 7, 9, 30, 15, 250, tzinfo=UTC),
        "made_on": date(2026, 12, 7),
        "id": UUID("01a25080-e966-754c-988c-b4cfd1f299bf"),
        "unshown": "a column the answer leaves out",
    }


def test_the_answer_is_the_models_fields_in_its_order() -> None:
    answer = RowAnswer(Gadget)(values())
    assert list(answer) == list(Gadget.model_fields)


def test_the_answer_encodes_as_the_model_does() -> None:
    model = Gadget.model_validate(values())
    assert encoded(RowAnswer(Gadget)(values())).body == encoded(model).body
    page = Page[Gadget](items=[model, model], next_cursor="next")
    rows = [RowAnswer(Gadget)(values()), RowAnswer(Gadget)(values())]
    assert encoded(page_answer(rows, "next")).body == encoded(page).body


def test_computed_fields_are_taken_over_the_rows() -> None:
    row = values()
    part = row.pop("part")
    row["ready"] = "not the answer's"
    answer = RowAnswer(Gadget)(row, part=part, ready=True)
    assert list(answer) == list(Gadget.model_fields)
    assert encoded(answer).body == encoded(Gadget.model_validate(values())).body


def test_a_model_answering_under_aliases_is_refused() -> None:
    class Aliased(BaseModel):
        kind: str = Field(alias="type")

    with pytest.raises(ValueError, match="aliases"):
        RowAnswer(Aliased)
