"""Milestone templates as the API shows them, and applying one to a project."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from worksync.common.examples import body_examples
from worksync.common.fields import JsonInteger, NotNull
from worksync.resources.fields import Day
from worksync.resources.milestones.critical_path import closes_cycle
from worksync.resources.milestones.schemas import Description, LagDays, Title
from worksync.resources.models import (
    MAX_TEMPLATE_MILESTONES,
    DeliverableType,
    MilestonePriority,
)

Key = Annotated[
    str,
    StringConstraints(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9_-]+$"),
    Field(description="Names the milestone inside the template"),
]


class TemplateDependency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Key
    lag_days: LagDays = 0


class TemplateDeliverable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    type: DeliverableType = DeliverableType.OTHER
    required: StrictBool = False


class TemplateMilestone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Key
    title: Title
    description: Description | None = None
    offset_days: Annotated[
        int,
        Field(ge=0, le=2600, description="Working days from the anchor date to its start"),
        JsonInteger,
    ]
    duration_days: Annotated[
        int, Field(ge=1, le=2600, description="Working days it lasts"), JsonInteger
    ]
    priority: MilestonePriority = MilestonePriority.MEDIUM
    depends_on: list[TemplateDependency] = Field(default=[], max_length=20)
    deliverables: list[TemplateDeliverable] = Field(default=[], max_length=20)


def _check_plan(milestones: list[TemplateMilestone]) -> None:
    """Keys are unique, dependencies name milestones of the template, and form no cycle."""
    keys = [milestone.key for milestone in milestones]
    if len(set(keys)) != len(keys):
        raise ValueError("milestone keys must be unique")
    edges: list[tuple[str, str]] = []
    for milestone in milestones:
        for dependency in milestone.depends_on:
            if dependency.key not in keys:
                raise ValueError(f"{milestone.key} depends on an unknown key {dependency.key}")
            if closes_cycle(edges, dependency.key, milestone.key):
                raise ValueError(f"the dependencies of {milestone.key} close a cycle")
            edges.append((dependency.key, milestone.key))


Milestones = Annotated[
    list[TemplateMilestone], Field(min_length=1, max_length=MAX_TEMPLATE_MILESTONES)
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TemplateCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "Website launch",
                "description": "From design sign-off to go-live",
                "milestones": [
                    {
                        "key": "design",
                        "title": "Design sign-off",
                        "offset_days": 0,
                        "duration_days": 10,
                        "priority": "high",
                        "deliverables": [{"title": "Mock-ups", "type": "design", "required": True}],
                    },
                    {
                        "key": "build",
                        "title": "Build",
                        "offset_days": 10,
                        "duration_days": 20,
                        "depends_on": [{"key": "design", "lag_days": 0}],
                        "deliverables": [
                            {"title": "Release candidate", "type": "code", "required": True}
                        ],
                    },
                ],
            }
        ),
    )

    name: Name
    description: Description | None = None
    milestones: Milestones

    @model_validator(mode="after")
    def _plan(self) -> Self:
        _check_plan(self.milestones)
        return self


class TemplateUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "Website launch (2026)",
                "description": "From design sign-off to go-live, with a review week",
            }
        ),
    )

    name: Annotated[Name | None, NotNull] = None
    description: Description | None = None
    milestones: Annotated[Milestones | None, NotNull] = None

    @model_validator(mode="after")
    def _plan(self) -> Self:
        if self.milestones is not None:
            _check_plan(self.milestones)
        return self


class TemplateRead(BaseModel):
    id: UUID
    workspace_id: UUID
    name: str
    description: str | None
    milestones: list[TemplateMilestone]
    version: int
    created_at: datetime
    updated_at: datetime


class FromTemplate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"template_id": "0195f3c3-8e1d-7f6b-b2a9-4d7c1e8f3a61", "anchor_date": "2026-03-02"}
        ),
    )

    template_id: UUID
    anchor_date: Day = Field(description="Offsets count working days from here")
