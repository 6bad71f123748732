"""Users, as learnt from identity's events: who can be added by id, and their names.

Each row keeps the sequence of the last event applied; an event with an older or equal
sequence changes nothing, so duplicates and reordering leave the projection right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import select

from worksync.common.auth import Principal
from worksync.common.repository import Repository, orm_table
from worksync.workspace.models import User

_USERS = orm_table(User)


@dataclass(frozen=True)
class Profile:
    """What a membership shows of its user."""

    email: str
    display_name: str


class UserRepository(Repository):
    async def apply_event(
        self, *, user_id: UUID, sequence: int, is_active: bool, profile: Profile | None
    ) -> bool:
        """Store what the event says unless a newer event was applied; True if it was stored.

        `profile` is None for events that carry none (a deactivation): the stored one stays.
        """
        values: dict[str, Any] = {"user_id": user_id, "sequence": sequence, "is_active": is_active}
        if profile is not None:
            values |= {"email": profile.email, "display_name": profile.display_name}
        return await self.store_if_newer(_USERS, values, key=("user_id",), also_set=("updated_at",))

    async def active_profile(self, user_id: UUID) -> Profile | None:
        """The profile of an active user we know of, else None."""
        row = (
            await self.session.execute(
                select(User.email, User.display_name).where(
                    User.user_id == user_id, User.is_active.is_(True), User.email.is_not(None)
                )
            )
        ).one_or_none()
        if row is None or row.email is None:
            return None
        return Profile(email=row.email, display_name=row.display_name or row.email)

    async def caller_profile(self, principal: Principal) -> Profile:
        """The caller's profile: from identity's events if they arrived, else from the token
        (a user who registers and at once creates a workspace may be ahead of the events)."""
        known = await self.active_profile(principal.user_id)
        if known is not None:
            return known
        return Profile(email=principal.email, display_name=principal.name or principal.email)
