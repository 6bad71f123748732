"""States as the API shows them, and their create and update bodies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull
from worksync.work_items.enums import StateGroup
from worksync.work_items.fields import Colour, Name, Position
from worksync.work_items.models import State as StateRow


class StateCreate(BaseModel):
    """`position` defaults to after the last state; `is_default` moves the default here."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "In review",
                "group": "started",
                "colour": "#8B5CF6",
                "position": 3000,
                "is_default": False,
            }
        ),
    )

    name: Name
    group: StateGroup
    colour: Colour = "#A3A3A3"
    position: Position | None = None
    is_default: StrictBool = False


class StateUpdate(BaseModel):
    """Fields left out stay as they are. A default is changed by making another state the
    default, never by unsetting it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples({"name": "Code review", "colour": "#7C3AED"}),
    )

    name: Annotated[Name | None, NotNull] = None
    group: Annotated[StateGroup | None, NotNull] = None
    colour: Annotated[Colour | None, NotNull] = None
    position: Annotated[Position | None, NotNull] = None
    is_default: Annotated[StrictBool | None, NotNull] = None


class State(BaseModel):
    id: UUID
    workspace_id: UUID
    project_id: UUID
    name: str
    group: StateGroup
    colour: str
    position: float
    is_default: bool = Field(description="New issues start here; one per project")
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Rises with every change; the `ETag` for `If-Match`")

    @classmethod
    def of(cls, row: StateRow) -> Self:
        return cls.model_validate(row, from_attributes=True)


class StateSort(StrEnum):
    POSITION = "position"
    NAME = "name"
