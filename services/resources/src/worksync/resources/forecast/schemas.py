"""The capacity forecast as the API shows it."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from worksync.resources.fields import Hours


class ForecastWeek(BaseModel):
    week_start: date
    capacity_hours: Hours = Field(description="Working days less time off, * hours per day")
    allocated_hours: Hours = Field(description="Allocations pro rata over their working days")
    free_hours: Hours = Field(description="capacity - allocated; negative when over-booked")


class UserForecast(BaseModel):
    user_id: UUID
    display_name: str | None
    skills: list[str]
    weeks: list[ForecastWeek]


class SkillForecast(BaseModel):
    skill: str = Field(description="As first spelt among the members who have it")
    user_ids: list[UUID]
    weeks: list[ForecastWeek]


class CapacityForecast(BaseModel):
    from_date: date
    to_date: date
    users: list[UserForecast]
    skills: list[SkillForecast]
