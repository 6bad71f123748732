"""Labels of a project: project members create and change them, project admins delete
them. Deleting a label takes it off its issues, which each record an update."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext
from worksync.common.errors import invalid_field, not_found, unknown_reference
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.work_items.issues.repository import IssueRepository
from worksync.work_items.issues.service import record_updates, tracked_of
from worksync.work_items.labels.repository import LabelRepository
from worksync.work_items.labels.schemas import Label, LabelCreate, LabelSort, LabelUpdate
from worksync.work_items.models import Label as LabelRow

SORT_KEYS = {
    LabelSort.NAME: sort_key("name", LabelRow.name, LabelRow.id),
    LabelSort.CREATED_AT: sort_key("created_at", LabelRow.created_at, LabelRow.id),
}


class LabelService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.labels = LabelRepository(session)

    async def page(
        self, context: ProjectContext, sort: LabelSort, params: PageParams
    ) -> tuple[list[Label], str | None]:
        key = SORT_KEYS[sort]
        project = context.project
        rows = await self.labels.page(project.workspace_id, project.id, key, params)
        items, next_cursor = build_page(rows, key, params)
        return [Label.of(row) for row in items], next_cursor

    async def get(self, context: ProjectContext, label_id: UUID) -> Label:
        return Label.of(await self._get(context, label_id))

    async def create(self, context: ProjectContext, request: LabelCreate) -> Label:
        project = context.project
        label = LabelRow(
            id=new_id(),
            workspace_id=project.workspace_id,
            project_id=project.id,
            **request.model_dump(),
        )
        if request.parent_id is not None:
            await self._check_parent(context, label.id, request.parent_id)
        await self.labels.add(label)
        return Label.of(label)

    async def update(
        self,
        context: ProjectContext,
        label_id: UUID,
        request: LabelUpdate,
        if_match: EntityTags | None = None,
    ) -> Label:
        if request.parent_id is not None:
            await self.labels.lock_parents(context.project.id)
        label = await self._get(context, label_id, for_update=True)
        check_version(if_match, label.version)
        changes: dict[str, Any] = request.model_dump(exclude_unset=True)
        parent_id = changes.get("parent_id")
        if parent_id is not None and parent_id != label.parent_id:
            await self._check_parent(context, label.id, parent_id)
        if any(getattr(label, name) != value for name, value in changes.items()):
            label.version += 1
        for name, value in changes.items():
            setattr(label, name, value)
        await self.labels.flush()
        return Label.of(label)

    async def delete(
        self,
        context: ProjectContext,
        label_id: UUID,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> None:
        # Locked first: a write putting the label on an issue holds a key-share lock on it
        # until it commits, so the issues read next include that one (and record its update);
        # a write that comes later waits, then finds the label gone.
        label = await self.labels.get(context.project.id, label_id, for_update=True)
        if label is None:
            raise not_found("label")
        check_version(if_match, label.version)
        issues = await IssueRepository(self.session).lock_with_label(context.project.id, label.id)
        before = await tracked_of(self.session, context, issues)
        await self.labels.detach_children(label)
        # Its issues lose it (the database cascades).
        await self.labels.delete(label)
        await record_updates(self.session, context, issues, now, before)

    async def _get(
        self, context: ProjectContext, label_id: UUID, *, for_update: bool = False
    ) -> LabelRow:
        label = await self.labels.get(context.project.id, label_id, for_update=for_update)
        if label is None:
            raise not_found("label")
        return label

    async def _check_parent(self, context: ProjectContext, label_id: UUID, parent_id: UUID) -> None:
        if await self.labels.get(context.project.id, parent_id) is None:
            raise unknown_reference("parent_id", "label", where="here")
        if await self.labels.closes_loop(label_id, parent_id):
            raise invalid_field("parent_id", "would make the label its own ancestor")
