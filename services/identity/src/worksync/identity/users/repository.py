"""SQL of users."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from psycopg.errors import UniqueViolation
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.identity.models import User

EMAIL_UNIQUE_INDEX = "uq_users_lower_email"


class DuplicateEmail(Exception):
    """Another user has this email (compared case-insensitively)."""


def _contains(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(
            select(User).where(func.lower(User.email) == email.lower())
        )

    async def add(self, user: User) -> None:
        """Insert `user`; raises DuplicateEmail when the email is taken (even by a racer)."""
        self.session.add(user)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if (
                isinstance(exc.orig, UniqueViolation)
                and exc.orig.diag.constraint_name == EMAIL_UNIQUE_INDEX
            ):
                raise DuplicateEmail from exc
            raise

    async def page(self, search: str | None, key: SortKey, params: PageParams) -> Sequence[User]:
        statement = select(User)
        if search:
            pattern = _contains(search)
            statement = statement.where(
                or_(
                    User.email.ilike(pattern, escape="\\"),
                    User.display_name.ilike(pattern, escape="\\"),
                )
            )
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()
