"""Workspace members as the API shows them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.examples import body_examples
from worksync.common.roles import WorkspaceRole
from worksync.workspace.models import Membership


class MemberCreate(BaseModel):
    """Add a user identity knows by id; only owners may add owners."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"user_id": "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73", "role": "member"}
        ),
    )

    user_id: UUID
    role: WorkspaceRole = WorkspaceRole.MEMBER


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=body_examples({"role": "admin"}))

    role: WorkspaceRole


class Member(BaseModel):
    id: UUID = Field(description="The membership's id, the subject of its events")
    workspace_id: UUID
    user_id: UUID
    role: WorkspaceRole
    email: str
    display_name: str
    joined_at: datetime
    version: int = Field(description="Rises with every change; the sequence of its events")

    @classmethod
    def of(cls, row: Membership) -> Self:
        return cls.model_validate(row, from_attributes=True)


class MemberSelf(BaseModel):
    """The caller's own membership, as other services' authorisation needs it."""

    workspace_id: UUID
    slug: str
    user_id: UUID
    role: WorkspaceRole
    version: int


class MemberSort(StrEnum):
    DISPLAY_NAME = "display_name"
    JOINED_AT = "joined_at"
    NEWEST_FIRST = "-joined_at"
