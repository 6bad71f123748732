"""Teams, their members and their project assignments as the API shows them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull
from worksync.workspace.fields import Description, Name, Percent
from worksync.workspace.models import TeamMembership


class TeamCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "Platform",
                "description": "Runs the shared services and the deployment pipeline",
                "lead_id": "0195f3a2-7c1e-7b4a-9d2f-3e8c1a6b5d40",
            }
        ),
    )

    name: Name
    description: Description | None = None
    lead_id: UUID | None = Field(default=None, description="A member of the workspace")


class TeamUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples({"lead_id": "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73"}),
    )

    name: Annotated[Name | None, NotNull] = None
    description: Description | None = None
    lead_id: UUID | None = None


class Team(BaseModel):
    id: UUID
    workspace_id: UUID
    name: str
    description: str | None
    lead_id: UUID | None
    version: int = Field(description="Rises with every change, member changes included")
    created_at: datetime
    updated_at: datetime


class TeamSort(StrEnum):
    NAME = "name"
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"


Allocation = Annotated[Percent, Field(description="Share of the member's time for the team")]


class TeamMemberCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"user_id": "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73", "allocation_percent": 50}
        ),
    )

    user_id: UUID
    allocation_percent: Allocation = 100


class TeamMemberUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples({"allocation_percent": 80})
    )

    allocation_percent: Allocation


class TeamMember(BaseModel):
    team_id: UUID
    user_id: UUID
    allocation_percent: int
    email: str
    display_name: str
    joined_at: datetime

    @classmethod
    def of(cls, row: TeamMembership, email: str, display_name: str) -> Self:
        return cls(
            team_id=row.team_id,
            user_id=row.user_id,
            allocation_percent=row.allocation_percent,
            email=email,
            display_name=display_name,
            joined_at=row.created_at,
        )


class AssignedTeam(BaseModel):
    team_id: UUID
    name: str
    assigned_at: datetime


class TeamAssignment(BaseModel):
    """The team is assigned; its members who were not project members now are."""

    project_id: UUID
    team_id: UUID
    added_user_ids: list[UUID] = Field(description="Members who joined the project just now")
