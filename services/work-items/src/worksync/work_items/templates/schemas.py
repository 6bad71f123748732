"""Templates as the API shows them, their bodies, and what applying one created."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from worksync.common.examples import body_examples
from worksync.common.fields import JsonInteger, NotNull

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
TemplateName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^\S+$")]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
MAX_TASKS = 1_000


class TaskIn(BaseModel):
    """A task; `key` names it for `depends_on` (unique in the template)."""

    model_config = ConfigDict(extra="forbid")

    key: Key
    title: Title
    description: Text | None = None
    estimate_minutes: Annotated[int, Field(ge=0, le=10_000_000), JsonInteger] | None = None
    skills: Annotated[list[Skill], Field(max_length=20)] = []
    depends_on: Annotated[list[Key], Field(max_length=50)] = []


class PhaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Text | None = None
    tasks: Annotated[list[TaskIn], Field(max_length=MAX_TASKS)] = []


Phases = Annotated[list[PhaseIn], Field(min_length=1, max_length=100)]


def _bounded(phases: list[PhaseIn] | None) -> None:
    if phases is not None and sum(len(phase.tasks) for phase in phases) > MAX_TASKS:
        raise ValueError(f"a template holds at most {MAX_TASKS} tasks")


class TemplateCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "Bug triage",
                "description": "From report to released fix",
                "category": "Support",
                "phases": [
                    {
                        "title": "Triage",
                        "tasks": [
                            {
                                "key": "reproduce",
                                "title": "Reproduce the bug",
                                "estimate_minutes": 60,
                                "skills": ["QA"],
                            },
                            {
                                "key": "fix",
                                "title": "Fix it and add a regression test",
                                "estimate_minutes": 240,
                                "skills": ["Python"],
                                "depends_on": ["reproduce"],
                            },
                        ],
                    }
                ],
            }
        ),
    )

    name: TemplateName
    description: Text | None = None
    category: Category | None = None
    phases: Phases

    @model_validator(mode="after")
    def few_enough_tasks(self) -> TemplateCreate:
        _bounded(self.phases)
        return self


class TemplateUpdate(BaseModel):
    """`phases`, when given, replace the template's phases and tasks."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples({"category": "Quality"})
    )

    name: Annotated[TemplateName | None, NotNull] = None
    description: Text | None = None
    category: Category | None = None
    phases: Annotated[Phases | None, NotNull] = None

    @model_validator(mode="after")
    def few_enough_tasks(self) -> TemplateUpdate:
        _bounded(self.phases)
        return self


class TemplateFromProject(BaseModel):
    """Save a project's issues as a template: each live top-level issue a phase, its live
    sub-issues the phase's tasks, "blocks" between those tasks their dependencies."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "project_id": "0195f3a1-2b6d-7f08-8c4e-1a7d9e3b6c25",
                "name": "Website relaunch plan",
                "category": "Web",
            }
        ),
    )

    project_id: UUID
    name: TemplateName
    description: Text | None = None
    category: Category | None = None


class ApplyTemplate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples({"project_id": "0195f3a1-2b6d-7f08-8c4e-1a7d9e3b6c25"}),
    )

    project_id: UUID


class TaskOut(BaseModel):
    key: str
    title: str
    description: str | None
    estimate_minutes: int | None
    skills: list[str]
    depends_on: list[str]


class PhaseOut(BaseModel):
    title: str
    description: str | None
    tasks: list[TaskOut]


class TemplateSummary(BaseModel):
    id: UUID
    name: str
    description: str | None
    category: str | None
    usage_count: int
    created_by: UUID
    created_at: datetime
    updated_at: datetime


class Template(TemplateSummary):
    version: int = Field(description="Rises with every change; the `ETag` for `If-Match`")
    phases: list[PhaseOut]


class CreatedIssue(BaseModel):
    id: UUID
    key: str
    title: str
    parent_id: UUID | None
    template_key: str | None = Field(description="The task's key; null for a phase")


class AppliedTemplate(BaseModel):
    project_id: UUID
    issues: list[CreatedIssue] = Field(description="Phases first, each followed by its tasks")
    relation_count: int = Field(description="Dependencies kept as 'blocks' relations")
