"""Rules of clients and project categories: 404s, unique names, no deletion while in use."""

from __future__ import annotations

from typing import Any, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel

from worksync.common.errors import not_found
from worksync.common.pagination import PageParams, SortKey, build_page
from worksync.common.preconditions import EntityTags, check_version
from worksync.workspace.catalogue.repository import CatalogueRepository, EntryRow
from worksync.workspace.errors import InUse

EntryRead = TypeVar("EntryRead", bound=BaseModel)


class CatalogueService(Generic[EntryRow, EntryRead]):
    """`kind` is the snake_case name used in error codes (`client`, `category`); the
    repository answers taken names and entries taken up by a project meanwhile."""

    def __init__(
        self, entries: CatalogueRepository[EntryRow], *, read_model: type[EntryRead], kind: str
    ) -> None:
        self.entries: CatalogueRepository[EntryRow] = entries
        self.read_model: type[EntryRead] = read_model
        self.kind = kind

    async def exists(self, workspace_id: UUID, entry_id: UUID) -> bool:
        return await self.entries.get(workspace_id, entry_id) is not None

    async def get(self, workspace_id: UUID, entry_id: UUID) -> EntryRead:
        return self._read(await self._get(workspace_id, entry_id))

    async def page(
        self, workspace_id: UUID, search: str | None, key: SortKey, params: PageParams
    ) -> tuple[list[EntryRead], str | None]:
        rows = await self.entries.page(workspace_id, search, key, params)
        items, next_cursor = build_page(rows, key, params)
        return [self._read(row) for row in items], next_cursor

    async def create(self, workspace_id: UUID, values: dict[str, Any]) -> EntryRead:
        return self._read(await self._add(workspace_id, values))

    async def update(
        self,
        workspace_id: UUID,
        entry_id: UUID,
        changes: dict[str, Any],
        *,
        if_match: EntityTags | None = None,
    ) -> EntryRead:
        return self._read(await self._change(workspace_id, entry_id, changes, if_match))

    async def delete(
        self, workspace_id: UUID, entry_id: UUID, *, if_match: EntityTags | None = None
    ) -> None:
        await self.entries.remove(await self._removable(workspace_id, entry_id, if_match))

    async def _add(self, workspace_id: UUID, values: dict[str, Any]) -> EntryRow:
        entry = self.entries.model(workspace_id=workspace_id, **values)
        await self.entries.add(entry)
        return entry

    async def _change(
        self,
        workspace_id: UUID,
        entry_id: UUID,
        changes: dict[str, Any],
        if_match: EntityTags | None,
    ) -> EntryRow:
        """The entry, locked, with `changes` applied and flushed as its next version."""
        entry = await self._get(workspace_id, entry_id, for_update=True)
        check_version(if_match, entry.version)
        if any(getattr(entry, name) != value for name, value in changes.items()):
            entry.version += 1
        for name, value in changes.items():
            setattr(entry, name, value)
        await self.entries.flush()
        return entry

    async def _removable(
        self, workspace_id: UUID, entry_id: UUID, if_match: EntityTags | None
    ) -> EntryRow:
        """The entry, locked, unless a live project refers to it (refused rather than
        unsetting it there)."""
        entry = await self._get(workspace_id, entry_id, for_update=True)
        check_version(if_match, entry.version)
        if await self.entries.used_by_live_project(entry.id):
            raise InUse(self.kind)
        return entry

    def _read(self, entry: EntryRow) -> EntryRead:
        return self.read_model.model_validate(entry, from_attributes=True)

    async def _get(
        self, workspace_id: UUID, entry_id: UUID, *, for_update: bool = False
    ) -> EntryRow:
        entry = await self.entries.get(workspace_id, entry_id, for_update=for_update)
        if entry is None:
            raise not_found(self.kind)
        return entry
