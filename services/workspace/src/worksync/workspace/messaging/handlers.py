"""Identity events -> the users projection, member names, and departures.

Idempotent: the consumer's inbox drops duplicates, and the projection ignores events older
than what it holds, so a profile or deactivation is acted on once and only if it is news.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.clock import utc_now
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.members.service import leave_if_not_last_owner, refresh_member_profiles
from worksync.workspace.messaging.consumed import UserDeactivated, UserRegistered, UserUpdated
from worksync.workspace.projections import Profile, UserRepository


async def on_user_registered(session: AsyncSession, event: CloudEvent) -> None:
    data = event.parse_data(UserRegistered)
    profile = Profile(email=data.email, display_name=data.display_name)
    if await UserRepository(session).apply_event(
        user_id=data.user_id, sequence=event.sequence, is_active=True, profile=profile
    ):
        # A member who joined before this event arrived has the profile from their token.
        await refresh_member_profiles(session, data.user_id, profile)


async def on_user_updated(session: AsyncSession, event: CloudEvent) -> None:
    data = event.parse_data(UserUpdated)
    profile = Profile(email=data.email, display_name=data.display_name)
    if await UserRepository(session).apply_event(
        user_id=data.user_id,
        sequence=event.sequence,
        is_active=data.is_active,
        profile=profile,
    ):
        await refresh_member_profiles(session, data.user_id, profile)


async def on_user_deactivated(session: AsyncSession, event: CloudEvent) -> None:
    """A deactivated user leaves every workspace, except where they are the last owner."""
    data = event.parse_data(UserDeactivated)
    if not await UserRepository(session).apply_event(
        user_id=data.user_id, sequence=event.sequence, is_active=False, profile=None
    ):
        return
    now = utc_now()
    for membership in await MemberRepository(session).live_of_user(data.user_id):
        await leave_if_not_last_owner(session, membership.workspace_id, data.user_id, now=now)


HANDLERS: Mapping[str, Handler] = {
    UserRegistered.event_type: on_user_registered,
    UserUpdated.event_type: on_user_updated,
    UserDeactivated.event_type: on_user_deactivated,
}
