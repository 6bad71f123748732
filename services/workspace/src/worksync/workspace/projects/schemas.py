"""Projects as the API shows them, their create and update bodies, and list filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from worksync.common.examples import body_examples
from worksync.common.fields import IsoDate, Money, NotNull
from worksync.common.roles import ProjectVisibility
from worksync.workspace.enums import ProjectPriority, ProjectStatus
from worksync.workspace.fields import Amount, CurrencyCode, Description, Hours, LongName
from worksync.workspace.models import Project as ProjectRow
from worksync.workspace.models.base import IDENTIFIER_PATTERN
from worksync.workspace.rounding import RoundingRule, override_of

Identifier = Annotated[
    str,
    StringConstraints(pattern=IDENTIFIER_PATTERN),
    Field(description="2-10 upper-case letters; issue keys start with it", examples=["WEB"]),
]

ROUNDING = (
    "The project's own rounding rule, which replaces the workspace's on its time (a place "
    "null or left out is not rounded); null: the workspace's rule applies. Only workspace "
    "owners and admins set or clear it"
)
VISIBILITY = (
    "public: every workspace member sees the project (guests only as its members); "
    "private: only its project members and the workspace's owners and admins"
)


class ProjectCreate(BaseModel):
    """`currency` defaults to the workspace's; the creator becomes a project admin."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "identifier": "WEB",
                "name": "Website relaunch",
                "description": "New marketing site on the headless CMS",
                "status": "active",
                "priority": "high",
                "start_date": "2026-03-02",
                "end_date": "2026-06-30",
                "budget_amount": "25000.00",
                "budget_hours": "300.00",
                "currency": "EUR",
                "default_hourly_rate": "85.00",
                "lead_id": "0195f3a2-7c1e-7b4a-9d2f-3e8c1a6b5d40",
                "client_id": "0195f39f-4a1c-7d52-9e3b-8c6f2a1d7e04",
                "category_id": "0195f39f-6b8e-7a13-b4d7-1e9c3f5a2b86",
                "visibility": "public",
            }
        ),
    )

    identifier: Identifier
    name: LongName
    description: Description | None = None
    status: ProjectStatus = ProjectStatus.ACTIVE
    priority: ProjectPriority = ProjectPriority.MEDIUM
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    budget_amount: Amount | None = None
    budget_hours: Hours | None = None
    currency: CurrencyCode | None = None
    default_hourly_rate: Money | None = None
    lead_id: UUID | None = Field(default=None, description="A member of the workspace")
    client_id: UUID | None = None
    category_id: UUID | None = None
    is_time_tracking_enabled: StrictBool = True
    visibility: ProjectVisibility = Field(default=ProjectVisibility.PUBLIC, description=VISIBILITY)
    department_id: UUID | None = None
    rounding: RoundingRule | None = Field(default=None, description=ROUNDING)


class ProjectUpdate(BaseModel):
    """Fields left out stay as they are; nullable ones are cleared with null.

    Only workspace admins and owners may change the identifier and the rounding rule.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"status": "on_hold", "end_date": "2026-07-31", "default_hourly_rate": "90.00"}
        ),
    )

    identifier: Annotated[Identifier | None, NotNull] = None
    name: Annotated[LongName | None, NotNull] = None
    description: Description | None = None
    status: Annotated[ProjectStatus | None, NotNull] = None
    priority: Annotated[ProjectPriority | None, NotNull] = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    budget_amount: Amount | None = None
    budget_hours: Hours | None = None
    currency: Annotated[CurrencyCode | None, NotNull] = None
    default_hourly_rate: Money | None = None
    lead_id: UUID | None = None
    client_id: UUID | None = None
    category_id: UUID | None = None
    is_time_tracking_enabled: Annotated[StrictBool | None, NotNull] = None
    visibility: Annotated[ProjectVisibility | None, NotNull, Field(description=VISIBILITY)] = None
    department_id: UUID | None = None
    rounding: RoundingRule | None = Field(default=None, description=ROUNDING)


# Money of a project, and the hours its budget buys: only those who manage the project see them.
MONEY_SHOWN_TO = "Shown to workspace admins and project admins only (null to others)"
MONEY_FIELDS = ("budget_amount", "budget_hours", "default_hourly_rate")


class Project(BaseModel):
    id: UUID
    workspace_id: UUID
    identifier: str
    name: str
    description: str | None
    status: ProjectStatus
    priority: ProjectPriority
    start_date: date | None
    end_date: date | None
    budget_amount: Amount | None = Field(description=MONEY_SHOWN_TO)
    budget_hours: Hours | None = Field(description=MONEY_SHOWN_TO)
    currency: str
    default_hourly_rate: Money | None = Field(description=MONEY_SHOWN_TO)
    lead_id: UUID | None
    client_id: UUID | None
    category_id: UUID | None
    is_time_tracking_enabled: bool
    visibility: ProjectVisibility = Field(description=VISIBILITY)
    department_id: UUID | None
    rounding: RoundingRule | None = Field(description=ROUNDING)
    created_by_id: UUID
    archived_at: datetime | None
    version: int = Field(description="Rises with every change; the sequence of its events")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: ProjectRow, *, shows_money: bool) -> Self:
        """The project as the caller may see it: without its money unless `shows_money`."""
        fields = {name: getattr(row, name) for name in cls.model_fields if name != "rounding"}
        project = cls.model_validate({**fields, "rounding": override_of(row)})
        return project if shows_money else project.model_copy(update=dict.fromkeys(MONEY_FIELDS))


class ProjectSort(StrEnum):
    NAME = "name"
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"


@dataclass(frozen=True)
class ProjectFilters:
    status: ProjectStatus | None = None
    priority: ProjectPriority | None = None
    client_id: UUID | None = None
    category_id: UUID | None = None
    lead_id: UUID | None = None
    archived: bool = False
    search: str | None = None
