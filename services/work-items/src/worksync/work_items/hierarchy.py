"""Rows that hang under a parent of their own kind (sub-issues, nested labels): the parent
links must never form a loop."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.orm import InstrumentedAttribute

from worksync.common.repository import Repository


class HierarchyRepository(Repository):
    """A repository whose rows name a parent of the same kind in the same project."""

    kind: ClassVar[str]
    """What the rows are (`issue`), naming the project's lock on their parent changes."""
    id_column: ClassVar[InstrumentedAttribute[UUID]]
    parent_column: ClassVar[InstrumentedAttribute[UUID | None]]

    async def lock_parents(self, project_id: UUID) -> None:
        """Changes of parents of this kind in the project take turns until commit: two that
        each pass `closes_loop` alone could close a loop together. Taken before any row lock."""
        await self.lock_key(f"{self.kind}-parents:{project_id}")

    async def closes_loop(self, node_id: UUID, parent_id: UUID) -> bool:
        """Whether making `parent_id` the parent of `node_id` closes a loop: `node_id` is
        `parent_id` itself or one of its ancestors (one recursive query, whatever the depth)."""
        # Read from the class: on an instance the columns would act as row attributes.
        node, parent = type(self).id_column, type(self).parent_column
        ancestors = (
            select(node.label("id"), parent.label("parent_id"))
            .where(node == parent_id)
            .cte("ancestors", recursive=True)
        )
        # UNION, not UNION ALL: a loop already in the data ends the walk instead of spinning.
        ancestors = ancestors.union(
            select(node, parent).join(ancestors, node == ancestors.c.parent_id)
        )
        found = await self.session.scalar(select(exists().where(ancestors.c.id == node_id)))
        return bool(found)
