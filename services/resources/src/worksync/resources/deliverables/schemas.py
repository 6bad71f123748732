"""Deliverables as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull
from worksync.resources.fields import Day
from worksync.resources.models import DeliverableStatus, DeliverableType

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class DeliverableCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "title": "Release notes",
                "type": "document",
                "status": "pending",
                "due_date": "2026-04-28",
                "owner_id": "0195f3a2-7c1e-7b4a-9d2f-3e8c1a6b5d40",
                "required": True,
            }
        ),
    )

    title: Title
    type: DeliverableType = DeliverableType.OTHER
    status: DeliverableStatus = DeliverableStatus.PENDING
    due_date: Day | None = None
    owner_id: UUID | None = Field(default=None, description="A live member of the workspace")
    required: StrictBool = Field(
        default=False, description="While open, the milestone cannot be completed"
    )


class DeliverableUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=body_examples({"status": "done"}))

    title: Annotated[Title | None, NotNull] = None
    type: Annotated[DeliverableType | None, NotNull] = None
    status: Annotated[DeliverableStatus | None, NotNull] = None
    due_date: Day | None = None
    owner_id: UUID | None = None
    required: Annotated[StrictBool | None, NotNull] = None


class DeliverableRead(BaseModel):
    id: UUID
    workspace_id: UUID
    milestone_id: UUID
    title: str
    type: DeliverableType
    status: DeliverableStatus
    due_date: date | None
    owner_id: UUID | None
    required: bool
    version: int
    created_at: datetime
    updated_at: datetime
