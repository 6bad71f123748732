"""Boards, their columns and cards as the API shows them, their bodies, and a card's move."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from worksync.common.examples import body_examples
from worksync.common.fields import JsonInteger, NotNull
from worksync.work_items.fields import Colour, Name
from worksync.work_items.issues.schemas import Issue

DEFAULT_COLUMN_COLOUR = "#94A3B8"
WipLimit = Annotated[
    int, Field(ge=1, le=10_000, description="Most cards the column takes"), JsonInteger
]
StateIds = Annotated[
    list[UUID], Field(min_length=1, max_length=20, description="States of the project")
]


class ColumnCreate(BaseModel):
    """A column, added after the board's last one; its states are in no other column."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "In review",
                "colour": "#8B5CF6",
                "state_ids": ["0195f3b0-0a1b-7c2d-8e3f-4a5b6c7d8e03"],
                "wip_limit": 3,
            }
        ),
    )

    name: Name
    colour: Colour = DEFAULT_COLUMN_COLOUR
    state_ids: StateIds
    wip_limit: WipLimit | None = None
    is_done: StrictBool = False


class ColumnUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=body_examples({"wip_limit": 4}))

    name: Annotated[Name | None, NotNull] = None
    colour: Annotated[Colour | None, NotNull] = None
    state_ids: Annotated[StateIds | None, NotNull] = None
    wip_limit: WipLimit | None = None
    is_done: Annotated[StrictBool | None, NotNull] = None


class ColumnsReorder(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "column_ids": [
                    "0195f3b2-1c4e-7a8b-9d3f-6e2a5c8b1d01",
                    "0195f3b2-1c4e-7a8b-9d3f-6e2a5c8b1d02",
                    "0195f3b2-1c4e-7a8b-9d3f-6e2a5c8b1d03",
                ]
            }
        ),
    )

    column_ids: list[UUID] = Field(
        max_length=50, description="Every column of the board, in the new order"
    )


class BoardCreate(BaseModel):
    """Without `columns`, the board gets one column per state of the project, in their
    order (columns of completed states are done columns)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "Sprint board",
                "columns": [
                    {"name": "To do", "state_ids": ["0195f3b0-0a1b-7c2d-8e3f-4a5b6c7d8e01"]},
                    {
                        "name": "In progress",
                        "colour": "#3B82F6",
                        "state_ids": [
                            "0195f3b0-0a1b-7c2d-8e3f-4a5b6c7d8e02",
                            "0195f3b0-0a1b-7c2d-8e3f-4a5b6c7d8e03",
                        ],
                        "wip_limit": 5,
                    },
                    {
                        "name": "Done",
                        "colour": "#22C55E",
                        "state_ids": ["0195f3b0-0a1b-7c2d-8e3f-4a5b6c7d8e04"],
                        "is_done": True,
                    },
                ],
            }
        ),
    )

    name: Name
    label_id: UUID | None = Field(default=None, description="Only issues with this label")
    assignee_id: UUID | None = Field(default=None, description="Only issues assigned to them")
    columns: Annotated[list[ColumnCreate] | None, Field(max_length=50)] = None


class BoardUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"name": "Ada's sprint board", "assignee_id": "0195f3a2-7c1e-7b4a-9d2f-3e8c1a6b5d40"}
        ),
    )

    name: Annotated[Name | None, NotNull] = None
    label_id: UUID | None = None
    assignee_id: UUID | None = None


class BoardColumn(BaseModel):
    id: UUID
    name: str
    position: int
    colour: str
    wip_limit: int | None
    is_done: bool
    state_ids: list[UUID]
    issue_count: int = Field(description="Cards in the column (live issues the board shows)")


class Board(BaseModel):
    id: UUID
    project_id: UUID
    name: str
    label_id: UUID | None
    assignee_id: UUID | None
    columns: list[BoardColumn]
    version: int
    created_at: datetime
    updated_at: datetime


class ColumnWithCards(BoardColumn):
    cards: list[Issue] = Field(description="The first cards, in board order")
    next_cursor: str | None = Field(description="For `…/columns/{column_id}/cards`")


class BoardView(Board):
    columns: list[ColumnWithCards]  # type: ignore[assignment]


class Move(BaseModel):
    """Where a card goes: a column (its issue takes the column's first state unless it is in
    one of the column's states already) or a state, or neither (a reorder); and between
    which cards: right after `after_id`, or right before `before_id`; with both, between
    them (`after_id` must come first); with neither, last. Past a column's WIP limit only a
    project admin may move, with `force`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "column_id": "0195f3b2-1c4e-7a8b-9d3f-6e2a5c8b1d02",
                "after_id": "0195f3b4-9c3f-7e08-8a5b-6d1e2f7c4b92",
            }
        ),
    )

    column_id: UUID | None = None
    state_id: UUID | None = None
    after_id: UUID | None = None
    before_id: UUID | None = None
    force: StrictBool = False

    @model_validator(mode="after")
    def one_target(self) -> Move:
        if self.column_id is not None and self.state_id is not None:
            raise ValueError("name a column or a state, not both")
        return self
