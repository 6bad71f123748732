"""The clients projection: sequence-guarded upserts (newest event wins), tombstones kept."""

from __future__ import annotations

from uuid import UUID

from worksync.common.repository import Repository, orm_table
from worksync.timetracking.models import Client

_CLIENTS = orm_table(Client)


class ClientRepository(Repository):
    async def apply(
        self, client_id: UUID, workspace_id: UUID, name: str, *, deleted: bool, sequence: int
    ) -> None:
        """Store the client unless a newer (or the same) sequence is stored already."""
        values = {
            "client_id": client_id,
            "workspace_id": workspace_id,
            "name": name,
            "deleted": deleted,
            "sequence": sequence,
        }
        await self.store_if_newer(_CLIENTS, values, key=("client_id",))
