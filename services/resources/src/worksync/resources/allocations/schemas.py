"""Allocations as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.config import JsonDict

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull
from worksync.resources.fields import (
    Day,
    HoursPerWeek,
    HoursPerWeekRead,
    JobRole,
    Notes,
    not_before_start,
)

# Examples of the bodies, the bulk operations' built from the single ones.
NEW_ALLOCATION_EXAMPLE: JsonDict = {
    "user_id": "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73",
    "project_id": "0195f3a1-2b6d-7f08-8c4e-1a7d9e3b6c25",
    "role": "Backend developer",
    "hours_per_week": 20,
    "start_date": "2026-03-02",
    "end_date": "2026-05-29",
    "notes": "Half time until the beta",
}
ALLOCATION_CHANGE_EXAMPLE: JsonDict = {"hours_per_week": 16, "end_date": "2026-06-30"}
BULK_CREATE_EXAMPLE: JsonDict = {"action": "create", **NEW_ALLOCATION_EXAMPLE}
BULK_UPDATE_EXAMPLE: JsonDict = {
    "action": "update",
    "id": "0195f3c1-6a2d-7b9e-8c4f-1d7e3a9b5c28",
    **ALLOCATION_CHANGE_EXAMPLE,
}
BULK_DELETE_EXAMPLE: JsonDict = {"action": "delete", "id": "0195f3c1-7b3e-7c0f-9d5a-2e8f4b0c6d39"}


class AllocationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples(NEW_ALLOCATION_EXAMPLE)
    )

    user_id: UUID = Field(description="A live member of the workspace")
    project_id: UUID = Field(description="A live, non-archived project of the workspace")
    role: JobRole | None = Field(default=None, description="The member's role on the project")
    hours_per_week: HoursPerWeek
    start_date: Day
    end_date: Day = Field(description="Included; not before start_date")
    notes: Notes | None = None

    _ends_after_start = field_validator("end_date")(not_before_start)


class AllocationUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples(ALLOCATION_CHANGE_EXAMPLE)
    )

    user_id: Annotated[UUID | None, NotNull] = None
    project_id: Annotated[UUID | None, NotNull] = None
    role: JobRole | None = None
    hours_per_week: Annotated[HoursPerWeek | None, NotNull] = None
    start_date: Annotated[Day | None, NotNull] = None
    end_date: Annotated[Day | None, NotNull] = None
    notes: Notes | None = None


class AllocationRead(BaseModel):
    id: UUID
    workspace_id: UUID
    user_id: UUID
    project_id: UUID
    role: str | None
    hours_per_week: HoursPerWeekRead
    start_date: date
    end_date: date
    notes: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class AllocationSort(StrEnum):
    START_DATE = "start_date"
    START_DATE_DESCENDING = "-start_date"
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"


MAX_BULK_OPERATIONS = 500


class BulkCreate(AllocationCreate):
    model_config = ConfigDict(json_schema_extra=body_examples(BULK_CREATE_EXAMPLE))

    action: Literal["create"]


class BulkUpdate(AllocationUpdate):
    model_config = ConfigDict(json_schema_extra=body_examples(BULK_UPDATE_EXAMPLE))

    action: Literal["update"]
    id: UUID


class BulkDelete(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=body_examples(BULK_DELETE_EXAMPLE))

    action: Literal["delete"]
    id: UUID


BulkOperation = Annotated[BulkCreate | BulkUpdate | BulkDelete, Field(discriminator="action")]


class BulkRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"operations": [BULK_CREATE_EXAMPLE, BULK_UPDATE_EXAMPLE, BULK_DELETE_EXAMPLE]}
        ),
    )

    operations: list[BulkOperation] = Field(min_length=1, max_length=MAX_BULK_OPERATIONS)


class BulkResult(BaseModel):
    index: int
    action: Literal["create", "update", "delete"]
    id: UUID
    allocation: AllocationRead | None = Field(description="Null for a deletion")


class BulkResponse(BaseModel):
    results: list[BulkResult]
