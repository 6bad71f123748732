"""The workspace service's own copies of the identity events it reads (fields it needs only)."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from worksync.common.events.envelope import IntegrationEvent


class UserRegistered(IntegrationEvent):
    event_type: ClassVar[str] = "identity.user.registered"

    user_id: UUID
    email: str
    display_name: str


class UserUpdated(IntegrationEvent):
    event_type: ClassVar[str] = "identity.user.updated"

    user_id: UUID
    email: str
    display_name: str
    is_active: bool


class UserDeactivated(IntegrationEvent):
    event_type: ClassVar[str] = "identity.user.deactivated"

    user_id: UUID
