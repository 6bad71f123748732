"""SQL of the actual-hours projection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import delete, func, insert
from sqlalchemy.dialects.postgresql import insert as upsert

from worksync.common.repository import Repository
from worksync.resources.models import ActualDay, ActualEntry


class ActualsRepository(Repository):
    async def store_entry(
        self,
        *,
        entry_id: UUID,
        workspace_id: UUID,
        user_id: UUID,
        project_id: UUID,
        deleted: bool,
        sequence: int,
    ) -> bool:
        """Store the entry's state if `sequence` is newer than the stored one; whether it was."""
        values = {
            "entry_id": entry_id,
            "workspace_id": workspace_id,
            "user_id": user_id,
            "project_id": project_id,
            "deleted": deleted,
            "sequence": sequence,
        }
        proposed = upsert(ActualEntry).values(values)
        statement = proposed.on_conflict_do_update(
            index_elements=[ActualEntry.entry_id],
            set_={
                **{name: proposed.excluded[name] for name in values if name != "entry_id"},
                "applied_at": func.clock_timestamp(),
            },
            where=ActualEntry.sequence < proposed.excluded.sequence,
        ).returning(ActualEntry.entry_id)
        return (await self.session.execute(statement)).first() is not None

    async def replace_days(
        self,
        *,
        entry_id: UUID,
        workspace_id: UUID,
        user_id: UUID,
        project_id: UUID,
        days: Sequence[tuple[date, int]],
    ) -> None:
        await self.session.execute(delete(ActualDay).where(ActualDay.entry_id == entry_id))
        if days:
            await self.session.execute(
                insert(ActualDay),
                [
                    {
                        "entry_id": entry_id,
                        "day": day,
                        "seconds": seconds,
                        "workspace_id": workspace_id,
                        "user_id": user_id,
                        "project_id": project_id,
                    }
                    for day, seconds in days
                ],
            )
