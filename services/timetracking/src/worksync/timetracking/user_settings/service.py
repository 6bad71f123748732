"""Reading and replacing a user's time settings."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.common.preconditions import EntityTags, check_version
from worksync.timetracking.entries.repository import EntryRepository
from worksync.timetracking.user_settings.repository import UserSettingsRepository
from worksync.timetracking.user_settings.schemas import TimeSettings, TimeSettingsUpdate


class UserSettingsService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.settings = UserSettingsRepository(session)
        self.entries = EntryRepository(session)

    async def get(self, workspace: WorkspaceContext) -> TimeSettings:
        stored = await self.settings.stored_timezone(workspace.workspace_id, workspace.user_id)
        facts = await self.entries.user_facts(workspace.workspace_id, workspace.user_id)
        return TimeSettings(
            version=await self.settings.version(workspace.workspace_id, workspace.user_id),
            timezone=stored,
            effective_timezone=facts.timezone,
            default_hourly_rate=facts.default_hourly_rate,
            default_billable=facts.default_billable,
            require_description=facts.require_description,
            auto_stop_minutes=facts.auto_stop_minutes,
        )

    async def replace(
        self,
        workspace: WorkspaceContext,
        request: TimeSettingsUpdate,
        if_match: EntityTags | None = None,
    ) -> TimeSettings:
        version = await self.settings.locked_version(workspace.workspace_id, workspace.user_id)
        check_version(if_match, version)
        await self.settings.replace(workspace.workspace_id, workspace.user_id, request.model_dump())
        return await self.get(workspace)
