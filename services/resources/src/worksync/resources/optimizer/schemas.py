"""The optimiser's request and answer as the API shows them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationInfo, field_validator

from worksync.common.examples import body_examples
from worksync.resources.fields import Day, Hours, HoursPerWeekRead, not_before_start

MAX_RANGE_DAYS = 366


class ProposalStatus(StrEnum):
    """The planner's statuses the API answers with (the greedy baseline's is not one)."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "best_found_within_limit"
    NO_SOLUTION = "no_solution_within_limit"
    NOTHING_TO_RESOLVE = "nothing_to_resolve"


class OptimizationRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "start_date": "2026-03-02",
                "end_date": "2026-05-29",
                "allow_reductions": True,
                "allow_other_skills": False,
            }
        ),
    )

    start_date: Day = Field(description="First day whose over-allocations are resolved")
    end_date: Day = Field(description="Last day, included; the range spans one year at most")
    allow_reductions: StrictBool = Field(
        default=True, description="Cut hours where no move resolves an over-allocation"
    )
    allow_other_skills: StrictBool = Field(
        default=False, description="Also move hours to members without the matching skill"
    )

    _ends_after_start = field_validator("end_date")(not_before_start)

    @field_validator("end_date")
    @classmethod
    def _at_most_a_year(cls, end_date: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start is not None and (end_date - start).days + 1 > MAX_RANGE_DAYS:
            raise ValueError("the range may span one year at most")
        return end_date


class ProposedChange(BaseModel):
    allocation_id: UUID
    project_id: UUID
    user_id: UUID = Field(description="The member the allocation is on now")
    new_user_id: UUID | None = Field(description="The member it moves to; null: it stays")
    hours_per_week: HoursPerWeekRead
    new_hours_per_week: Hours = Field(description="0: the allocation is deleted")


class UnresolvedConflict(BaseModel):
    user_id: UUID
    start_date: date
    end_date: date
    capacity_hours_per_week: Hours
    allocated_hours_per_week: Hours = Field(description="After the proposed changes")
    allocation_ids: list[UUID]
    reason: str


class ProposedUpdate(BaseModel):
    action: Literal["update"] = "update"
    id: UUID
    user_id: UUID
    hours_per_week: HoursPerWeekRead


class ProposedDelete(BaseModel):
    action: Literal["delete"] = "delete"
    id: UUID


class ProposedBulk(BaseModel):
    operations: list[ProposedUpdate | ProposedDelete] = Field(
        description="The body of `PUT /workspaces/{ws}/allocations/bulk` (in pieces of at "
        "most 500 operations)"
    )


class OptimizationResult(BaseModel):
    start_date: date
    end_date: date
    status: ProposalStatus = Field(
        description="optimal, best_found_within_limit (the solver's time limit ended the "
        "search), no_solution_within_limit, or nothing_to_resolve"
    )
    objective: float | None = Field(description="The model's objective (weighted cost)")
    conflicts: int = Field(description="Over-allocations overlapping the range before")
    changes: list[ProposedChange]
    hours_moved: Hours = Field(description="Hours per week moved * the allocation's weeks")
    hours_reduced: Hours = Field(description="Hours per week cut * the allocation's weeks")
    unresolved: list[UnresolvedConflict]
    bulk: ProposedBulk = Field(description="The changes, to apply as one bulk change")
