"""Reading and replacing a user's time settings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.timetracking.entries.repository import user_facts
from worksync.timetracking.models import UserSettings
from worksync.timetracking.user_settings.schemas import TimeSettings, TimeSettingsUpdate


class UserSettingsService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, workspace: WorkspaceContext) -> TimeSettings:
        stored = await self.session.scalar(
            select(UserSettings.timezone).where(
                UserSettings.workspace_id == workspace.workspace_id,
                UserSettings.user_id == workspace.user_id,
            )
        )
        facts = await user_facts(self.session, workspace.workspace_id, workspace.user_id)
        return TimeSettings(
            timezone=stored,
            effective_timezone=facts.timezone,
            default_hourly_rate=None
            if facts.default_hourly_rate is None
            else f"{facts.default_hourly_rate:.2f}",
            default_billable=facts.default_billable,
            require_description=facts.require_description,
        )

    async def replace(
        self, workspace: WorkspaceContext, request: TimeSettingsUpdate
    ) -> TimeSettings:
        values = request.model_dump()
        statement = insert(UserSettings).values(
            workspace_id=workspace.workspace_id, user_id=workspace.user_id, **values
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[UserSettings.workspace_id, UserSettings.user_id],
                set_={**values, "updated_at": statement.excluded.updated_at},
            )
        )
        return await self.get(workspace)
