"""SQL of clients and project categories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.workspace.integrity import violated_foreign_key, violated_unique
from worksync.workspace.models import Client, Project, ProjectCategory
from worksync.workspace.search import contains

EntryRow = TypeVar("EntryRow", Client, ProjectCategory)


class DuplicateName(Exception):
    """Another entry of the workspace has this name (compared case-insensitively)."""


class StillReferenced(Exception):
    """A project took the entry up while it was being deleted."""


class CatalogueRepository(Generic[EntryRow]):
    """`project_reference` is the project column that points at these entries."""

    def __init__(
        self,
        session: AsyncSession,
        model: type[EntryRow],
        *,
        name_unique_index: str,
        project_reference: InstrumentedAttribute[UUID | None],
    ) -> None:
        self.session = session
        self.model: type[EntryRow] = model
        self.name_unique_index = name_unique_index
        self.project_reference = project_reference

    async def get(self, workspace_id: UUID, entry_id: UUID) -> EntryRow | None:
        return await self.session.scalar(
            select(self.model).where(
                self.model.workspace_id == workspace_id, self.model.id == entry_id
            )
        )

    async def page(
        self, workspace_id: UUID, search: str | None, key: SortKey, params: PageParams
    ) -> Sequence[EntryRow]:
        statement = select(self.model).where(self.model.workspace_id == workspace_id)
        if search:
            statement = statement.where(contains(search, self.model.name))
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def add(self, entry: EntryRow) -> None:
        self.session.add(entry)
        await self.save()

    async def save(self) -> None:
        """Flush pending changes; raises DuplicateName for a taken name."""
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if violated_unique(exc, self.name_unique_index):
                raise DuplicateName from exc
            raise

    async def used_by_live_project(self, entry_id: UUID) -> bool:
        found = await self.session.scalar(
            select(Project.id)
            .where(self.project_reference == entry_id, Project.deleted_at.is_(None))
            .limit(1)
        )
        return found is not None

    async def delete(self, entry: EntryRow) -> None:
        """Delete the entry after unsetting it on deleted projects; raises StillReferenced
        when a live project refers to it (one that took it up concurrently)."""
        await self.session.execute(
            update(Project)
            .where(self.project_reference == entry.id, Project.deleted_at.is_not(None))
            .values({self.project_reference: None})
        )
        await self.session.delete(entry)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if violated_foreign_key(exc):
                raise StillReferenced from exc
            raise
