"""Field types the API shares: names, colours, board positions."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints

from worksync.work_items.models.base import COLOUR_PATTERN


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out but not null")
    return value


# For PATCH fields that may be left out but make no sense as null.
NotNull = BeforeValidator(_refuse_null)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Colour = Annotated[str, StringConstraints(pattern=COLOUR_PATTERN), Field(examples=["#3B82F6"])]
Position = Annotated[
    float,
    Field(allow_inf_nan=False, ge=-1e12, le=1e12, description="Order on boards, ascending"),
]
