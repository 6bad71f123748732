"""SQL of users."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Uuid, bindparam, func, or_, select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.preconditions import EntityTags
from worksync.common.repository import Repository
from worksync.identity.errors import EmailTaken
from worksync.identity.models import User

EMAIL_UNIQUE_INDEX = "uq_users_lower_email"


def _contains(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def user_checking(condition: ColumnElement[bool]) -> Select[User, bool]:
    """A statement reading the user `user_id` and whether `condition` (over the user's row)
    holds: built once, run by `UserRepository.get_checking`."""
    return select(User, condition).where(User.id == bindparam("user_id", type_=Uuid))


class UserRepository(Repository):
    # Emails are compared case-insensitively; a racer who took one first makes this refusal.
    constraint_errors = {EMAIL_UNIQUE_INDEX: EmailTaken}

    async def get(self, user_id: UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def get_checking(
        self, statement: Select[User, bool], parameters: Mapping[str, Any]
    ) -> tuple[User, bool] | None:
        """The user and whether the condition holds, by a `user_checking` statement and its
        values (`user_id` and the condition's own)."""
        row = (await self.session.execute(statement, parameters)).one_or_none()
        return None if row is None else (row[0], bool(row[1]))

    async def lock(self, user_id: UUID, expected: EntityTags | None) -> User | None:
        """The user locked for a change, at a version `expected` names (else 412)."""
        return await self.lock_version(select(User).where(User.id == user_id), expected)

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(
            select(User).where(func.lower(User.email) == email.lower())
        )

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
