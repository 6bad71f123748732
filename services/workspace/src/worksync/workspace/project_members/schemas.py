"""Project members as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.examples import body_examples
from worksync.common.fields import Money, NotNull
from worksync.common.roles import ProjectRole
from worksync.workspace.enums import ProjectMembershipSource
from worksync.workspace.models import Membership, ProjectMembership


class ProjectMemberCreate(BaseModel):
    """Add a member of the workspace; workspace guests may only be project guests."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "user_id": "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73",
                "role": "member",
                "hourly_rate": "85.00",
            }
        ),
    )

    user_id: UUID
    role: ProjectRole = ProjectRole.MEMBER
    hourly_rate: Money | None = Field(default=None, description="Overrides the project's rate")


class ProjectMemberUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples({"role": "admin", "hourly_rate": "95.00"})
    )

    role: Annotated[ProjectRole | None, NotNull] = None
    hourly_rate: Money | None = None


class ProjectMember(BaseModel):
    id: UUID = Field(description="The project membership's id, the subject of its events")
    project_id: UUID
    workspace_id: UUID
    user_id: UUID
    role: ProjectRole
    source: ProjectMembershipSource = Field(
        description="`department` if a department's auto-sync made it (and may end it)"
    )
    hourly_rate: Money | None = Field(
        description="Shown to workspace admins, project admins and the member themself only "
        "(null to others)"
    )
    email: str
    display_name: str
    joined_at: datetime
    version: int = Field(description="Rises with every change; the sequence of its events")

    @classmethod
    def of(cls, row: ProjectMembership, email: str, display_name: str, *, shows_rate: bool) -> Self:
        """The membership as the caller may see it: without the rate unless `shows_rate`."""
        return cls.model_validate(
            {
                "id": row.id,
                "project_id": row.project_id,
                "workspace_id": row.workspace_id,
                "user_id": row.user_id,
                "role": row.role,
                "source": row.source,
                "hourly_rate": row.hourly_rate if shows_rate else None,
                "email": email,
                "display_name": display_name,
                "joined_at": row.joined_at,
                "version": row.version,
            }
        )

    @classmethod
    def with_member(cls, row: ProjectMembership, member: Membership, *, shows_rate: bool) -> Self:
        return cls.of(row, member.email, member.display_name, shows_rate=shows_rate)
