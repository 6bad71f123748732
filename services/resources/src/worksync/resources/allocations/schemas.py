"""Allocations as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from worksync.resources.fields import Day, HoursPerWeek, JobRole, Notes, NotNull


class AllocationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: UUID = Field(description="A live member of the workspace")
    project_id: UUID = Field(description="A live, non-archived project of the workspace")
    role: JobRole | None = Field(default=None, description="The member's role on the project")
    hours_per_week: HoursPerWeek
    start_date: Day
    end_date: Day = Field(description="Included; not before start_date")
    notes: Notes | None = None

    @field_validator("end_date")
    @classmethod
    def _not_before_start(cls, end_date: date, info: ValidationInfo) -> date:
        start_date = info.data.get("start_date")
        if start_date is not None and end_date < start_date:
            raise ValueError("must not be before start_date")
        return end_date


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
    hours_per_week: HoursPerWeek
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
