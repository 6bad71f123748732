"""Clients: who projects are done for. Every change is recorded as a `workspace.client.*`
event (time tracking reports by client), in the request's transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.pagination import sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.workspace.catalogue.repository import ClientRepository
from worksync.workspace.catalogue.service import CatalogueService
from worksync.workspace.clients.schemas import Client, ClientSort
from worksync.workspace.messaging.published import ClientCreated, ClientDeleted, ClientUpdated
from worksync.workspace.messaging.recording import record_client
from worksync.workspace.models import Client as ClientRow

SORT_KEYS = {
    ClientSort.NAME: sort_key("name", ClientRow.name, ClientRow.id),
    ClientSort.CREATED_AT: sort_key("created_at", ClientRow.created_at, ClientRow.id),
    ClientSort.NEWEST_FIRST: sort_key("-created_at", ClientRow.created_at, ClientRow.id),
}


class ClientService(CatalogueService[ClientRow, Client]):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(ClientRepository(session), read_model=Client, kind="client")
        self.session = session

    async def create(
        self, workspace_id: UUID, values: dict[str, Any], *, actor_id: UUID | None = None
    ) -> Client:
        client = await self._add(workspace_id, values)
        await record_client(self.session, client, ClientCreated, actor_id=actor_id)
        await self.entries.flush()
        return self._read(client)

    async def update(
        self,
        workspace_id: UUID,
        entry_id: UUID,
        changes: dict[str, Any],
        *,
        actor_id: UUID | None = None,
        if_match: EntityTags | None = None,
    ) -> Client:
        """An event only when the name changed: the description is not in the events, but
        a change of it is a new version too (the client's ETag; a gap in the sequence of
        its events harms no consumer)."""
        client = await self._get(workspace_id, entry_id, for_update=True)
        check_version(if_match, client.version)
        renamed = changes.get("name", client.name) != client.name
        changed = any(getattr(client, name) != value for name, value in changes.items())
        for name, value in changes.items():
            setattr(client, name, value)
        if renamed:
            await record_client(self.session, client, ClientUpdated, actor_id=actor_id)
        elif changed:
            client.version += 1
        await self.entries.flush()
        return self._read(client)

    async def delete(
        self,
        workspace_id: UUID,
        entry_id: UUID,
        *,
        actor_id: UUID | None = None,
        if_match: EntityTags | None = None,
    ) -> None:
        client = await self._removable(workspace_id, entry_id, if_match)
        await record_client(self.session, client, ClientDeleted, actor_id=actor_id)
        await self.entries.remove(client)
