"""Labels as the API shows them, and their create and update bodies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull
from worksync.work_items.fields import Colour, Name
from worksync.work_items.models import Label as LabelRow


class LabelCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples({"name": "bug", "colour": "#EF4444"})
    )

    name: Name
    colour: Colour = "#A3A3A3"
    parent_id: UUID | None = Field(default=None, description="A label of the same project")


class LabelUpdate(BaseModel):
    """Fields left out stay as they are; `parent_id: null` makes it a top-level label."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples({"name": "regression", "colour": "#DC2626"})
    )

    name: Annotated[Name | None, NotNull] = None
    colour: Annotated[Colour | None, NotNull] = None
    parent_id: UUID | None = None


class Label(BaseModel):
    id: UUID
    workspace_id: UUID
    project_id: UUID
    name: str
    colour: str
    parent_id: UUID | None
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Rises with every change; the `ETag` for `If-Match`")

    @classmethod
    def of(cls, row: LabelRow) -> Self:
        return cls.model_validate(row, from_attributes=True)


class LabelSort(StrEnum):
    NAME = "name"
    CREATED_AT = "created_at"
