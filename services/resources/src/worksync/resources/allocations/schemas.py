"""Allocations as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from worksync.common.fields import NotNull
from worksync.resources.fields import (
    Day,
    HoursPerWeek,
    HoursPerWeekRead,
    JobRole,
    Notes,
    not_before_start,
)


class AllocationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: UUID = Field(description="A live member of the workspace")
    project_id: UUID = Field(description="A live, non-archived project of the workspace")
    role: JobRole | None = Field(default=None, description="The member's role on the project")
    hours_per_week: HoursPerWeek
    start_date: Day
    end_date: Day = Field(description="Included; not before start_date")
    notes: Notes | None = None

    _ends_after_start = field_validator("end_date")(not_before_start)


class AllocationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    action: Literal["create"]


class BulkUpdate(AllocationUpdate):
    action: Literal["update"]
    id: UUID


class BulkDelete(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["delete"]
    id: UUID


BulkOperation = Annotated[BulkCreate | BulkUpdate | BulkDelete, Field(discriminator="action")]


class BulkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    operations: list[BulkOperation] = Field(min_length=1, max_length=MAX_BULK_OPERATIONS)


class BulkResult(BaseModel):
    index: int
    action: Literal["create", "update", "delete"]
    id: UUID
    allocation: AllocationRead | None = Field(description="Null for a deletion")


class BulkResponse(BaseModel):
    results: list[BulkResult]
