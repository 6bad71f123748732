"""Project categories: how a workspace groups its projects."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.pagination import sort_key
from worksync.workspace.catalogue.repository import CategoryRepository
from worksync.workspace.catalogue.service import CatalogueService
from worksync.workspace.categories.schemas import CategorySort, ProjectCategory
from worksync.workspace.models import ProjectCategory as CategoryRow

SORT_KEYS = {
    CategorySort.NAME: sort_key("name", CategoryRow.name, CategoryRow.id),
    CategorySort.CREATED_AT: sort_key("created_at", CategoryRow.created_at, CategoryRow.id),
    CategorySort.NEWEST_FIRST: sort_key("-created_at", CategoryRow.created_at, CategoryRow.id),
}


class CategoryService(CatalogueService[CategoryRow, ProjectCategory]):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(CategoryRepository(session), read_model=ProjectCategory, kind="category")
