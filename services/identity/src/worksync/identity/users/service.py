"""Users: own profile, admin management, visibility, and the events their changes record."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import not_found
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags
from worksync.identity.api_tokens.repository import ApiTokenRepository
from worksync.identity.errors import OwnAdminStatus
from worksync.identity.messaging.published import UserDeactivated, UserUpdated
from worksync.identity.messaging.recording import record_user, user_event
from worksync.identity.models import User as UserRow
from worksync.identity.projections import MembershipRepository
from worksync.identity.sessions.repository import SessionRepository
from worksync.identity.sessions.service import RevokeReason
from worksync.identity.users.repository import UserRepository
from worksync.identity.users.schemas import (
    MeUpdate,
    User,
    UserAdminUpdate,
    UserProfile,
    UserSort,
)

SORT_KEYS = {
    UserSort.CREATED_AT: sort_key("created_at", UserRow.created_at, UserRow.id),
    UserSort.NEWEST_FIRST: sort_key("-created_at", UserRow.created_at, UserRow.id),
}


def _bump_if_changed_unrecorded(user: UserRow, unchanged: User) -> None:
    """Every change is a new version, the account's `ETag`: one an event recorded already is;
    preferences and flags no event carries make one here (consumers only need each event's
    sequence to be newer, so the gap is harmless)."""
    if user.version == unchanged.version and User.of(user) != unchanged:
        user.version += 1


class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.users = UserRepository(session)
        self.memberships = MembershipRepository(session)
        self.sessions = SessionRepository(session)
        self.api_tokens = ApiTokenRepository(session)

    async def update_me(
        self, caller: UserRow, update: MeUpdate, if_match: EntityTags | None = None
    ) -> User:
        user = await self._lock(caller.id, if_match)
        unchanged = User.of(user)
        before = user_event(user, UserUpdated)
        if update.display_name is not None:
            user.display_name = update.display_name
        if "avatar_url" in update.model_fields_set:
            user.avatar_url = str(update.avatar_url) if update.avatar_url else None
        if update.preferences is not None:
            for name, value in update.preferences.model_dump(exclude_unset=True).items():
                setattr(user, name, value)
        await self._record_if_profile_changed(user, before, actor_id=user.id)
        _bump_if_changed_unrecorded(user, unchanged)
        await self.users.flush()
        return User.of(user)

    async def get_visible(self, viewer: UserRow, user_id: UUID) -> User | UserProfile:
        """The whole account to its owner and admins, the profile to co-members, else 404."""
        if user_id == viewer.id:
            return User.of(viewer)
        user = await self.users.get(user_id)
        if user is None:
            raise not_found("user")
        if viewer.is_platform_admin:
            return User.of(user)
        if await self.memberships.share_a_workspace(viewer.id, user_id):
            return UserProfile.of(user)
        raise not_found("user")

    async def page(
        self, search: str | None, sort: UserSort, params: PageParams
    ) -> tuple[list[User], str | None]:
        key = SORT_KEYS[sort]
        rows = await self.users.page(search, key, params)
        items, next_cursor = build_page(rows, key, params)
        return [User.of(row) for row in items], next_cursor

    async def admin_update(
        self,
        admin: UserRow,
        user_id: UUID,
        update: UserAdminUpdate,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> User:
        user = await self._lock(user_id, if_match)
        if user.id == admin.id and (update.is_active is False or update.is_platform_admin is False):
            raise OwnAdminStatus()
        unchanged = User.of(user)
        before = user_event(user, UserUpdated)
        if update.display_name is not None:
            user.display_name = update.display_name
        if update.is_platform_admin is not None:
            user.is_platform_admin = update.is_platform_admin
        if update.email_verified is not None:
            user.email_verified = update.email_verified
        if update.is_active is False and user.is_active:
            # Everything else changes first, so the deactivation is the last event.
            await self._record_if_profile_changed(user, before, actor_id=admin.id)
            await self._deactivate(user, admin.id, now)
        else:
            if update.is_active is not None:
                user.is_active = update.is_active
            await self._record_if_profile_changed(user, before, actor_id=admin.id)
        _bump_if_changed_unrecorded(user, unchanged)
        await self.users.flush()
        return User.of(user)

    async def deactivate(
        self, admin: UserRow, user_id: UUID, now: datetime, if_match: EntityTags | None = None
    ) -> None:
        user = await self._lock(user_id, if_match)
        if user.id == admin.id:
            raise OwnAdminStatus()
        if user.is_active:
            await self._deactivate(user, admin.id, now)

    async def _lock(self, user_id: UUID, if_match: EntityTags | None) -> UserRow:
        user = await self.users.lock(user_id, if_match)
        if user is None:
            raise not_found("user")
        return user

    async def _deactivate(self, user: UserRow, actor_id: UUID, now: datetime) -> None:
        """Deactivated users cannot log in, refresh, or use their API tokens."""
        user.is_active = False
        await self.sessions.revoke_all(user.id, RevokeReason.USER_DEACTIVATED, now)
        await self.api_tokens.revoke_all(user.id, now)
        await record_user(self.session, user, UserDeactivated, actor_id=actor_id)

    async def _record_if_profile_changed(
        self, user: UserRow, before: UserUpdated, *, actor_id: UUID
    ) -> None:
        if user_event(user, UserUpdated) != before:
            await record_user(self.session, user, UserUpdated, actor_id=actor_id)
