"""The SQL of users' time settings."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from worksync.common.repository import Repository
from worksync.timetracking.models import UserSettings


class UserSettingsRepository(Repository):
    async def stored_timezone(self, workspace_id: UUID, user_id: UUID) -> str | None:
        """The user's own zone setting (None: none stored, or the workspace's zone)."""
        return await self.session.scalar(
            select(UserSettings.timezone).where(
                UserSettings.workspace_id == workspace_id,
                UserSettings.user_id == user_id,
            )
        )

    async def locked_version(self, workspace_id: UUID, user_id: UUID) -> int:
        """The version of the user's stored settings (0: none stored), kept until the
        transaction ends: the settings may not exist yet, so a key is locked, not a row."""
        await self.lock_key(f"user_settings:{workspace_id}:{user_id}")
        return await self.version(workspace_id, user_id)

    async def version(self, workspace_id: UUID, user_id: UUID) -> int:
        """The version of the user's stored settings; 0 while none are stored."""
        found = await self.session.scalar(
            select(UserSettings.version).where(
                UserSettings.workspace_id == workspace_id,
                UserSettings.user_id == user_id,
            )
        )
        return found or 0

    async def replace(self, workspace_id: UUID, user_id: UUID, values: dict[str, Any]) -> None:
        """Store the user's whole settings, inserted or replaced (a new version)."""
        statement = insert(UserSettings).values(
            workspace_id=workspace_id, user_id=user_id, **values
        )
        await self.execute(
            statement.on_conflict_do_update(
                index_elements=[UserSettings.workspace_id, UserSettings.user_id],
                set_={
                    **values,
                    "updated_at": statement.excluded.updated_at,
                    "version": UserSettings.version + 1,
                },
            )
        )
