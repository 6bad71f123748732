"""Sessions: each login starts one; its refresh tokens rotate on every use.

A refresh token is good for one exchange. Presenting one that was already exchanged
means two parties hold the family (a thief and the owner), so the whole session is
revoked and both must log in again (reuse detection, OAuth 2.0 Security BCP §4.14).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import not_found
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.identity.errors import AccountInactive, InvalidRefreshToken, RefreshTokenReused
from worksync.identity.models import RefreshToken, User, UserSession
from worksync.identity.sessions.repository import RefreshTokenRepository, SessionRepository
from worksync.identity.sessions.schemas import Session
from worksync.identity.tokens import new_opaque_token, token_digest

logger = logging.getLogger(__name__)

NEWEST_FIRST = sort_key("-created_at", UserSession.created_at, UserSession.id)
USER_AGENT_MAX_CHARS = 512


class RevokeReason(StrEnum):
    LOGOUT = "logout"
    REVOKED_BY_USER = "revoked_by_user"
    REFRESH_TOKEN_REUSED = "refresh_token_reused"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    EMAIL_VERIFIED = "email_verified"
    USER_DEACTIVATED = "user_deactivated"


@dataclass(frozen=True)
class ClientInfo:
    user_agent: str | None
    ip: str | None


@dataclass(frozen=True)
class SessionGrant:
    """A session that may be used now: its id, user and a fresh refresh token."""

    session_id: UUID
    user: User
    refresh_token: str


class SessionService:
    """`refresh_token_ttl` is how long a session may lie idle; `max_lifetime` how long it
    lasts at most after its login, however often it is refreshed."""

    def __init__(
        self, session: AsyncSession, *, refresh_token_ttl: timedelta, max_lifetime: timedelta
    ) -> None:
        self.sessions = SessionRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)
        self.refresh_token_ttl = refresh_token_ttl
        self.max_lifetime = max_lifetime

    def _expiry(self, user_session: UserSession, now: datetime) -> datetime:
        """When the session's next refresh token expires: idle limit or absolute end."""
        return min(now + self.refresh_token_ttl, user_session.created_at + self.max_lifetime)

    async def start(self, user: User, client: ClientInfo, now: datetime) -> SessionGrant:
        user_session = UserSession(
            user_id=user.id,
            created_at=now,
            last_used_at=now,
            expires_at=now + min(self.refresh_token_ttl, self.max_lifetime),
            user_agent=client.user_agent[:USER_AGENT_MAX_CHARS] if client.user_agent else None,
            ip=client.ip,
        )
        await self.sessions.add(user_session)
        return SessionGrant(user_session.id, user, await self._new_refresh_token(user_session, now))

    async def rotate(self, refresh_token: str, now: datetime) -> SessionGrant:
        """Exchange a refresh token for its successor; detects reuse."""
        found = await self.refresh_tokens.find(token_digest(refresh_token), for_update=True)
        if found is None:
            raise InvalidRefreshToken()
        token, user_session, user = found
        if user_session.revoked_at is not None:
            raise InvalidRefreshToken("The session of this refresh token has ended")
        if token.rotated_at is not None:
            logger.warning(
                "refresh token reuse: revoking session %s of user %s", user_session.id, user.id
            )
            await self.sessions.revoke(user_session.id, RevokeReason.REFRESH_TOKEN_REUSED, now)
            raise RefreshTokenReused()
        if user_session.created_at + self.max_lifetime <= now:
            raise InvalidRefreshToken("The session has reached its maximum lifetime; log in")
        if token.expires_at <= now:
            raise InvalidRefreshToken("The refresh token has expired")
        if not user.is_active:
            raise AccountInactive()
        await self.refresh_tokens.mark_rotated(token.id, now)
        user_session.last_used_at = now
        user_session.expires_at = self._expiry(user_session, now)
        return SessionGrant(user_session.id, user, await self._new_refresh_token(user_session, now))

    async def end(self, refresh_token: str, now: datetime) -> None:
        """Log out: revoke the family of `refresh_token`; unknown tokens are ignored."""
        found = await self.refresh_tokens.find(token_digest(refresh_token))
        if found is not None:
            _, user_session, _ = found
            await self.sessions.revoke(user_session.id, RevokeReason.LOGOUT, now)

    async def page_own(
        self, user_id: UUID, current_session_id: UUID | None, params: PageParams, now: datetime
    ) -> tuple[list[Session], str | None]:
        rows = await self.sessions.page_live(user_id, now, NEWEST_FIRST, params)
        items, next_cursor = build_page(rows, NEWEST_FIRST, params)
        return [Session.of(row, current_session_id) for row in items], next_cursor

    async def revoke_own(self, user_id: UUID, session_id: UUID, now: datetime) -> None:
        """Revoke one of the caller's live sessions; any other id is 404."""
        if await self.sessions.get_live(user_id, session_id, now) is None:
            raise not_found("session")
        await self.sessions.revoke(session_id, RevokeReason.REVOKED_BY_USER, now)

    async def revoke_all(
        self, user_id: UUID, reason: str, now: datetime, *, except_session_id: UUID | None = None
    ) -> None:
        await self.sessions.revoke_all(user_id, reason, now, except_session_id=except_session_id)

    async def _new_refresh_token(self, user_session: UserSession, now: datetime) -> str:
        plain = new_opaque_token()
        await self.refresh_tokens.add(
            RefreshToken(
                session_id=user_session.id,
                token_hash=token_digest(plain),
                expires_at=self._expiry(user_session, now),
            )
        )
        return plain
