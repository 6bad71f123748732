"""Workspaces: creating one (its creator becomes the owner), settings, and deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.auth import Principal
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.roles import WorkspaceRole
from worksync.workspace.access import WorkspaceAccess
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.members.service import join_workspace
from worksync.workspace.messaging.published import (
    MemberRemoved,
    WorkspaceCreated,
    WorkspaceDeleted,
    WorkspaceUpdated,
)
from worksync.workspace.messaging.recording import record_member, record_workspace
from worksync.workspace.models import Workspace as WorkspaceRow
from worksync.workspace.projections import UserRepository
from worksync.workspace.rounding import rule_columns
from worksync.workspace.workspaces.repository import WorkspaceRepository
from worksync.workspace.workspaces.schemas import (
    Settings,
    SettingsUpdate,
    Workspace,
    WorkspaceCreate,
    WorkspaceSort,
    WorkspaceUpdate,
    settings_of,
)

SORT_KEYS = {
    WorkspaceSort.NAME: sort_key("name", WorkspaceRow.name, WorkspaceRow.id),
    WorkspaceSort.CREATED_AT: sort_key("created_at", WorkspaceRow.created_at, WorkspaceRow.id),
    WorkspaceSort.NEWEST_FIRST: sort_key("-created_at", WorkspaceRow.created_at, WorkspaceRow.id),
}


def _columns(settings: Settings) -> dict[str, Any]:
    """Settings as the workspace row stores them."""
    return {
        "timezone": settings.timezone,
        "week_start": settings.week_start,
        "working_hours_per_day": settings.working_hours_per_day,
        "currency": settings.currency,
        **rule_columns(settings.rounding),
        "lockdown_date": settings.lockdown_date,
        "timesheet_period": settings.timesheet_period,
    }


class WorkspaceService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.workspaces = WorkspaceRepository(session)

    async def create(
        self, principal: Principal, request: WorkspaceCreate, now: datetime
    ) -> Workspace:
        workspace = WorkspaceRow(
            slug=request.slug,
            name=request.name,
            description=request.description,
            owner_id=principal.user_id,
            **_columns(request.settings),
        )
        await self.workspaces.add(workspace)
        await record_workspace(
            self.session, workspace, WorkspaceCreated, actor_id=principal.user_id
        )
        await join_workspace(
            self.session,
            workspace,
            principal.user_id,
            WorkspaceRole.OWNER,
            await UserRepository(self.session).caller_profile(principal),
            now=now,
            actor_id=principal.user_id,
        )
        return Workspace.of(workspace, WorkspaceRole.OWNER)

    async def page(
        self, principal: Principal, sort: WorkspaceSort, params: PageParams
    ) -> tuple[list[Workspace], str | None]:
        key = SORT_KEYS[sort]
        rows = await self.workspaces.page_of_member(principal.user_id, key, params)
        roles = {row.Workspace.id: row.role for row in rows}
        items, next_cursor = build_page([row.Workspace for row in rows], key, params)
        return [Workspace.of(item, roles[item.id]) for item in items], next_cursor

    async def update(
        self,
        access: WorkspaceAccess,
        request: WorkspaceUpdate,
        if_match: EntityTags | None = None,
    ) -> Workspace:
        workspace = await self.workspaces.get_for_update(access.workspace_id)
        check_version(if_match, workspace.version)
        changes: dict[str, Any] = {}
        if request.name is not None:
            changes["name"] = request.name
        if "description" in request.model_fields_set:
            changes["description"] = request.description
        if request.settings is not None:
            changes |= _columns(_merged(settings_of(workspace), request.settings))
        changed = any(getattr(workspace, name) != value for name, value in changes.items())
        for name, value in changes.items():
            setattr(workspace, name, value)
        if changed:
            await record_workspace(
                self.session, workspace, WorkspaceUpdated, actor_id=access.user_id
            )
            await self.workspaces.flush()
        return Workspace.of(workspace, access.role)

    async def delete(
        self, access: WorkspaceAccess, now: datetime, if_match: EntityTags | None = None
    ) -> None:
        """Mark the workspace deleted, after removing every member (which other services'
        membership projections need to hear)."""
        workspace = await self.workspaces.get_for_update(access.workspace_id)
        check_version(if_match, workspace.version)
        for membership in await MemberRepository(self.session).live_of_workspace(workspace.id):
            membership.removed_at = now
            await record_member(self.session, membership, MemberRemoved, actor_id=access.user_id)
        workspace.deleted_at = now
        await record_workspace(self.session, workspace, WorkspaceDeleted, actor_id=access.user_id)
        await self.workspaces.flush()


def _merged(current: Settings, update: SettingsUpdate) -> Settings:
    """The current settings with the given changes laid over them."""
    changes = update.model_dump(exclude_unset=True, exclude={"rounding"})
    if update.rounding is not None:
        changes["rounding"] = update.rounding.applied_to(current.rounding)
    return current.model_copy(update=changes)
