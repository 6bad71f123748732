"""Clients: who projects are done for."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.pagination import sort_key
from worksync.workspace.catalogue.repository import ClientRepository
from worksync.workspace.catalogue.service import CatalogueService
from worksync.workspace.clients.schemas import Client, ClientSort
from worksync.workspace.models import Client as ClientRow

SORT_KEYS = {
    ClientSort.NAME: sort_key("name", ClientRow.name, ClientRow.id),
    ClientSort.CREATED_AT: sort_key("created_at", ClientRow.created_at, ClientRow.id),
    ClientSort.NEWEST_FIRST: sort_key("-created_at", ClientRow.created_at, ClientRow.id),
}


class ClientService(CatalogueService[ClientRow, Client]):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(ClientRepository(session), read_model=Client, kind="client")
