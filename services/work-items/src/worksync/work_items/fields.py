"""Field types the API shares: names, colours, board positions."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from worksync.work_items.models.base import COLOUR_PATTERN

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Colour = Annotated[str, StringConstraints(pattern=COLOUR_PATTERN), Field(examples=["#3B82F6"])]
Position = Annotated[
    float,
    # Strict: a JSON number only, never a numeric string or a boolean.
    Field(
        strict=True,
        allow_inf_nan=False,
        ge=-1e12,
        le=1e12,
        description="Order on boards, ascending",
    ),
]
