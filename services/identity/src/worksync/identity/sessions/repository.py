"""SQL of sessions and the refresh tokens of each session's family."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, Row, SQLColumnExpression, exists, select, update

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.identity.models import RefreshToken, User, UserSession


def _live(now: datetime | ColumnElement[datetime]) -> tuple[ColumnElement[bool], ...]:
    return (UserSession.revoked_at.is_(None), UserSession.expires_at > now)


def session_is_live(
    user_id: SQLColumnExpression[UUID],
    session_id: UUID | ColumnElement[UUID],
    now: datetime | ColumnElement[datetime],
) -> ColumnElement[bool]:
    """Whether the user's session `session_id` is live, as an expression (for a statement
    that reads the user too)."""
    return exists().where(UserSession.id == session_id, UserSession.user_id == user_id, *_live(now))


class SessionRepository(Repository):
    async def get_live(self, user_id: UUID, session_id: UUID, now: datetime) -> UserSession | None:
        return await self.session.scalar(
            select(UserSession).where(
                UserSession.id == session_id, UserSession.user_id == user_id, *_live(now)
            )
        )

    async def page_live(
        self, user_id: UUID, now: datetime, key: SortKey, params: PageParams
    ) -> Sequence[UserSession]:
        statement = select(UserSession).where(UserSession.user_id == user_id, *_live(now))
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def recent_ips(self, user_id: UUID, limit: int) -> list[str]:
        """The client addresses of the user's latest sessions, revoked ones included."""
        statement = (
            select(UserSession.ip)
            .where(UserSession.user_id == user_id, UserSession.ip.is_not(None))
            .order_by(UserSession.created_at.desc())
            .limit(limit)
        )
        return [ip for ip in (await self.session.scalars(statement)).all() if ip is not None]

    async def revoke(self, session_id: UUID, reason: str, now: datetime) -> None:
        await self.session.execute(
            update(UserSession)
            .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
        )

    async def revoke_all(
        self, user_id: UUID, reason: str, now: datetime, *, except_session_id: UUID | None = None
    ) -> None:
        statement = update(UserSession).where(
            UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
        )
        if except_session_id is not None:
            statement = statement.where(UserSession.id != except_session_id)
        await self.session.execute(statement.values(revoked_at=now, revoked_reason=reason))


class RefreshTokenRepository(Repository):
    async def find(
        self, token_hash: bytes, *, for_update: bool = False
    ) -> Row[RefreshToken, UserSession, User] | None:
        """The token with its session and user; `for_update` locks the token row, so that
        two refreshes with one token run one after the other."""
        statement = (
            select(RefreshToken, UserSession, User)
            .join(UserSession, UserSession.id == RefreshToken.session_id)
            .join(User, User.id == UserSession.user_id)
            .where(RefreshToken.token_hash == token_hash)
        )
        if for_update:
            statement = statement.with_for_update(of=RefreshToken)
        return (await self.session.execute(statement)).one_or_none()

    async def mark_rotated(self, token_id: UUID, now: datetime) -> None:
        await self.session.execute(
            update(RefreshToken).where(RefreshToken.id == token_id).values(rotated_at=now)
        )
