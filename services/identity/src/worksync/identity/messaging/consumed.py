"""Identity's own copies of the workspace events it reads (fields it needs only)."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from worksync.common.events.envelope import IntegrationEvent


class WorkspaceMemberAdded(IntegrationEvent):
    event_type: ClassVar[str] = "workspace.member.added"

    workspace_id: UUID
    user_id: UUID
    role: str


class WorkspaceMemberUpdated(IntegrationEvent):
    """Also what a republish sends for every live member (`ops republish workspace.member`)."""

    event_type: ClassVar[str] = "workspace.member.updated"

    workspace_id: UUID
    user_id: UUID
    role: str


class WorkspaceMemberRemoved(IntegrationEvent):
    event_type: ClassVar[str] = "workspace.member.removed"

    workspace_id: UUID
    user_id: UUID
