"""SQL of personal API tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, Row, SQLColumnExpression, exists, or_, select, update

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.identity.models import ApiToken, User


def _live(now: datetime | ColumnElement[datetime]) -> tuple[ColumnElement[bool], ...]:
    return (
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
    )


def api_token_is_live(
    user_id: SQLColumnExpression[UUID],
    token_id: UUID | ColumnElement[UUID],
    now: datetime | ColumnElement[datetime],
) -> ColumnElement[bool]:
    """Whether the user's API token `token_id` is live, as an expression (for a statement
    that reads the user too)."""
    return exists().where(ApiToken.id == token_id, ApiToken.user_id == user_id, *_live(now))


class ApiTokenRepository(Repository):
    async def get_unrevoked(self, user_id: UUID, token_id: UUID) -> ApiToken | None:
        return await self.session.scalar(
            select(ApiToken).where(
                ApiToken.id == token_id,
                ApiToken.user_id == user_id,
                ApiToken.revoked_at.is_(None),
            )
        )

    async def page_unrevoked(
        self, user_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[ApiToken]:
        statement = select(ApiToken).where(
            ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)
        )
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def find_live_with_user(
        self, token_hash: bytes, now: datetime
    ) -> Row[ApiToken, User] | None:
        return (
            await self.session.execute(
                select(ApiToken, User)
                .join(User, User.id == ApiToken.user_id)
                .where(ApiToken.token_hash == token_hash, *_live(now))
            )
        ).one_or_none()

    async def touch(self, token_id: UUID, now: datetime, resolution: timedelta) -> None:
        """Record a use, unless one was recorded less than `resolution` ago: every request
        through the gateway may come here, and a write per request would be wasted."""
        await self.session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - resolution),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )

    async def revoke(self, token_id: UUID, now: datetime) -> None:
        await self.session.execute(
            update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=now)
        )

    async def revoke_all(self, user_id: UUID, now: datetime) -> None:
        await self.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
