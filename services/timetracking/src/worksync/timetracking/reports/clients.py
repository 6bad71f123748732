"""The clients projection: sequence-guarded upserts (newest event wins), tombstones kept."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.dialects.postgresql import insert

from worksync.common.repository import Repository
from worksync.timetracking.models import Client


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
        statement = insert(Client).values(values)
        await self.execute(
            statement.on_conflict_do_update(
                index_elements=[Client.client_id],
                set_={
                    column: statement.excluded[column] for column in values if column != "client_id"
                },
                where=Client.sequence < statement.excluded.sequence,
            )
        )
