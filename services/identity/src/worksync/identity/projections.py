"""Workspace memberships, as learnt from workspace events: who shares a workspace with whom.

Each (workspace, user) row keeps the sequence of the last event applied; an event with an
older or equal sequence changes nothing, and a removal stays as a tombstone, so duplicates
and reordering leave the projection right.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from worksync.common.repository import Repository, orm_table
from worksync.identity.models import WorkspaceMembership

_MEMBERSHIPS = orm_table(WorkspaceMembership)


class MembershipRepository(Repository):
    async def apply(
        self, *, workspace_id: UUID, user_id: UUID, sequence: int, removed: bool
    ) -> None:
        await self.store_if_newer(
            _MEMBERSHIPS,
            {
                "workspace_id": workspace_id,
                "user_id": user_id,
                "sequence": sequence,
                "removed": removed,
            },
            key=("workspace_id", "user_id"),
            also_set=("updated_at",),
        )

    async def share_a_workspace(self, user_id: UUID, other_user_id: UUID) -> bool:
        mine, theirs = aliased(WorkspaceMembership), aliased(WorkspaceMembership)
        shared = exists().where(
            and_(
                mine.user_id == user_id,
                theirs.user_id == other_user_id,
                mine.workspace_id == theirs.workspace_id,
                mine.removed.is_(False),
                theirs.removed.is_(False),
            )
        )
        return bool(await self.session.scalar(select(shared)))
