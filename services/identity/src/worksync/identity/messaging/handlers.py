"""Workspace events -> the membership projection. Idempotent: the consumer's inbox drops
duplicates and the projection ignores events older than what it holds."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler
from worksync.identity.messaging.consumed import (
    WorkspaceMemberAdded,
    WorkspaceMemberRemoved,
    WorkspaceMemberUpdated,
)
from worksync.identity.projections import MembershipRepository


def _membership_handler(
    event_class: type[WorkspaceMemberAdded | WorkspaceMemberUpdated | WorkspaceMemberRemoved],
    *,
    removed: bool,
) -> Handler:
    """A handler storing the membership an event names, as current or removed."""

    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        data = event.parse_data(event_class)
        await MembershipRepository(session).apply(
            workspace_id=data.workspace_id,
            user_id=data.user_id,
            sequence=event.sequence,
            removed=removed,
        )

    return handle


HANDLERS: Mapping[str, Handler] = {
    WorkspaceMemberAdded.event_type: _membership_handler(WorkspaceMemberAdded, removed=False),
    # An update names a live member; a republish sends one for each (removals as removed).
    WorkspaceMemberUpdated.event_type: _membership_handler(WorkspaceMemberUpdated, removed=False),
    WorkspaceMemberRemoved.event_type: _membership_handler(WorkspaceMemberRemoved, removed=True),
}
