"""Capacity profiles ("team members") and their time off as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from worksync.common.examples import body_examples
from worksync.common.fields import CENT, Money, NotNull, Skills
from worksync.resources.fields import (
    CurrencyCode,
    Day,
    Hours,
    HoursPerWeek,
    HoursPerWeekRead,
    JobRole,
    Reason,
    WorkingDays,
    not_before_start,
)
from worksync.resources.models import DEFAULT_HOURS_PER_WEEK, DEFAULT_WORKING_DAYS


class TeamMemberCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "user_id": "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73",
                "role": "Backend developer",
                "skills": ["Python", "PostgreSQL"],
                "hours_per_week": 40,
                "working_days": [1, 2, 3, 4, 5],
                "cost_rate": "85.00",
                "currency": "EUR",
            }
        ),
    )

    user_id: UUID = Field(description="A live member of the workspace without a profile")
    role: JobRole | None = Field(default=None, description="Job role, e.g. Backend developer")
    skills: Skills = []
    hours_per_week: HoursPerWeek = DEFAULT_HOURS_PER_WEEK
    working_days: WorkingDays = list(DEFAULT_WORKING_DAYS)
    cost_rate: Money | None = None
    currency: CurrencyCode | None = Field(default=None, description="Required with cost_rate")


class TeamMemberUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "hours_per_week": 32,
                "working_days": [1, 2, 3, 4],
                "skills": ["Python", "PostgreSQL", "Kubernetes"],
            }
        ),
    )

    role: JobRole | None = None
    skills: Annotated[Skills | None, NotNull] = None
    hours_per_week: Annotated[HoursPerWeek | None, NotNull] = None
    working_days: Annotated[WorkingDays | None, NotNull] = None
    cost_rate: Money | None = None
    currency: CurrencyCode | None = None
    is_active: Annotated[StrictBool | None, NotNull] = None


COST_SHOWN_TO = "Shown to workspace admins and the profile's own member only (null to others)"


class TeamMember(BaseModel):
    id: UUID
    workspace_id: UUID
    user_id: UUID
    display_name: str | None = Field(description="From the workspace's member directory")
    role: str | None
    skills: list[str]
    hours_per_week: HoursPerWeekRead
    working_days: list[int]
    capacity_hours_per_day: Hours = Field(description="hours_per_week / number of working days")
    cost_rate: Money | None = Field(description=COST_SHOWN_TO)
    currency: str | None = Field(description=f"The cost rate's currency. {COST_SHOWN_TO}")
    is_active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class TeamMemberSort(StrEnum):
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"


class TimeOffCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"start_date": "2026-08-03", "end_date": "2026-08-14", "reason": "Summer holiday"}
        ),
    )

    start_date: Day
    end_date: Day = Field(description="Included; not before start_date")
    reason: Reason | None = None

    _ends_after_start = field_validator("end_date")(not_before_start)


class TimeOffRead(BaseModel):
    id: UUID
    profile_id: UUID
    start_date: date
    end_date: date
    reason: str | None
    created_at: datetime


def per_day(hours_per_week: Decimal, working_days: list[int]) -> Decimal:
    return (hours_per_week / len(working_days)).quantize(CENT)
