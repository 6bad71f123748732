"""Users turned into the events of `published.py`, and recorded in the outbox.

Every user event is read off the row as it stands, so an event never disagrees with what
was stored; identity's events belong to no workspace.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.envelope import IntegrationEvent
from worksync.common.events.outbox import EventRecorder
from worksync.identity.messaging.published import outbox
from worksync.identity.models import User

UserEvent = TypeVar("UserEvent", bound=IntegrationEvent)

recorder = EventRecorder(outbox)


def user_event(user: User, event_class: type[UserEvent]) -> UserEvent:
    """What `event_class` says of `user` now (each event class keeps the fields it has)."""
    return event_class.model_validate(
        {
            "user_id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "avatar_url": user.avatar_url,
            "is_active": user.is_active,
        }
    )


async def record_user(
    session: AsyncSession,
    user: User,
    event_class: type[IntegrationEvent],
    *,
    actor_id: UUID | None,
) -> None:
    """Record `event_class` of `user` as the user's next version."""
    await recorder.record(
        session, user, user_event(user, event_class), workspace_id=None, actor_id=actor_id
    )
