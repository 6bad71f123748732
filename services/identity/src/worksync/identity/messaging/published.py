"""The events identity publishes (the `data` of their CloudEvents), and its outbox.

Every event's subject is the user id and its sequence the user's `version`, so consumers
apply them in order per user whatever order they arrive in.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from worksync.common.events.envelope import IntegrationEvent
from worksync.common.events.outbox import Outbox
from worksync.identity.models import messaging

SOURCE = "worksync/identity"

outbox = Outbox(messaging.outbox, source=SOURCE)


class UserRegistered(IntegrationEvent):
    event_type: ClassVar[str] = "identity.user.registered"

    user_id: UUID
    email: str
    display_name: str


class UserUpdated(IntegrationEvent):
    """The user's public profile or active flag changed; carries the whole profile."""

    event_type: ClassVar[str] = "identity.user.updated"

    user_id: UUID
    email: str
    display_name: str
    avatar_url: str | None
    is_active: bool


class UserDeactivated(IntegrationEvent):
    event_type: ClassVar[str] = "identity.user.deactivated"

    user_id: UUID
