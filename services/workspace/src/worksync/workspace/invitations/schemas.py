"""Invitations as the API shows them: to admins, and (masked) to whoever holds the link."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from worksync.common.examples import body_examples
from worksync.workspace.enums import InvitationRole
from worksync.workspace.models import Invitation as InvitationRow


class InvitationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples({"email": "grace.hopper@example.com", "role": "member"}),
    )

    email: Annotated[EmailStr, Field(max_length=320)]
    role: InvitationRole = InvitationRole.MEMBER


class Invitation(BaseModel):
    id: UUID
    workspace_id: UUID
    email: str
    role: InvitationRole
    invited_by_id: UUID
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, row: InvitationRow) -> Self:
        return cls.model_validate(row, from_attributes=True)


class CreatedInvitation(Invitation):
    token: str | None = Field(
        description=(
            "The secret of the invitation link; in this response only, never again "
            "(null when a retried request is answered from its Idempotency-Key)"
        )
    )


class InvitationPreview(BaseModel):
    """What the invitation link shows before signing in."""

    workspace_name: str
    workspace_slug: str
    inviter_name: str
    role: InvitationRole
    email: str = Field(description="The invited address, masked", examples=["a***@example.com"])
    expires_at: datetime
