"""SQL of clients and project categories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from worksync.common.errors import NameTaken
from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.workspace.errors import InUse
from worksync.workspace.models import Client, Project, ProjectCategory
from worksync.workspace.search import contains

EntryRow = TypeVar("EntryRow", Client, ProjectCategory)


class CatalogueRepository(Repository, Generic[EntryRow]):
    """`project_reference` is the project column that points at these entries."""

    def __init__(
        self,
        session: AsyncSession,
        model: type[EntryRow],
        project_reference: InstrumentedAttribute[UUID | None],
    ) -> None:
        super().__init__(session)
        self.model: type[EntryRow] = model
        self.project_reference = project_reference

    async def get(
        self, workspace_id: UUID, entry_id: UUID, *, for_update: bool = False
    ) -> EntryRow | None:
        query = select(self.model).where(
            self.model.workspace_id == workspace_id, self.model.id == entry_id
        )
        if for_update:
            return await self.lock_for_update(query)
        return await self.session.scalar(query)

    async def page(
        self, workspace_id: UUID, search: str | None, key: SortKey, params: PageParams
    ) -> Sequence[EntryRow]:
        statement = select(self.model).where(self.model.workspace_id == workspace_id)
        if search:
            statement = statement.where(contains(search, self.model.name))
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def used_by_live_project(self, entry_id: UUID) -> bool:
        found = await self.session.scalar(
            select(Project.id)
            .where(self.project_reference == entry_id, Project.deleted_at.is_(None))
            .limit(1)
        )
        return found is not None

    async def remove(self, entry: EntryRow) -> None:
        """Delete the entry after unsetting it on deleted projects; a live project that
        refers to it (one that took it up concurrently) makes the delete fail as in use."""
        await self.execute(
            update(Project)
            .where(self.project_reference == entry.id, Project.deleted_at.is_not(None))
            .values({self.project_reference: None})
        )
        await self.delete(entry)


class ClientRepository(CatalogueRepository[Client]):
    constraint_errors = {
        "uq_clients_workspace_id_lower_name": lambda: NameTaken("client"),
        "fk_projects_workspace_id_client_id_clients": lambda: InUse("client"),
    }

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, Client, Project.client_id)


class CategoryRepository(CatalogueRepository[ProjectCategory]):
    constraint_errors = {
        "uq_project_categories_workspace_id_lower_name": lambda: NameTaken("category"),
        "fk_projects_workspace_id_category_id_project_categories": lambda: InUse("category"),
    }

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, ProjectCategory, Project.category_id)
