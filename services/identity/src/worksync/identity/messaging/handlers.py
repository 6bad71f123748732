"""Workspace events -> the membership projection. Idempotent: the consumer's inbox drops
duplicates and the projection ignores events older than what it holds."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.consumer import Handler
from worksync.common.events.envelope import CloudEvent
from worksync.identity import projections
from worksync.identity.messaging.consumed import WorkspaceMemberAdded, WorkspaceMemberRemoved


async def on_member_added(session: AsyncSession, event: CloudEvent) -> None:
    data = event.parse_data(WorkspaceMemberAdded)
    await projections.apply_membership(
        session,
        workspace_id=data.workspace_id,
        user_id=data.user_id,
        sequence=event.sequence,
        removed=False,
    )


async def on_member_removed(session: AsyncSession, event: CloudEvent) -> None:
    data = event.parse_data(WorkspaceMemberRemoved)
    await projections.apply_membership(
        session,
        workspace_id=data.workspace_id,
        user_id=data.user_id,
        sequence=event.sequence,
        removed=True,
    )


HANDLERS: Mapping[str, Handler] = {
    WorkspaceMemberAdded.event_type: on_member_added,
    WorkspaceMemberRemoved.event_type: on_member_removed,
}
