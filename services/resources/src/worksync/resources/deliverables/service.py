"""Deliverables of a milestone: what it must produce. Planners (workspace admins, project
admins) write; members of the project read. Reaching a milestone through its project keeps
another project's or workspace's deliverables out of reach (404)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import Directory, ProjectContext
from worksync.common.errors import not_found, unknown_reference
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.resources.deliverables.repository import DeliverableRepository
from worksync.resources.deliverables.schemas import (
    DeliverableCreate,
    DeliverableRead,
    DeliverableUpdate,
)
from worksync.resources.milestones.repository import MilestoneRepository
from worksync.resources.models import Deliverable, Milestone

SORT_KEY = sort_key("created_at", Deliverable.created_at, Deliverable.id)


def _read(deliverable: Deliverable) -> DeliverableRead:
    return DeliverableRead.model_validate(deliverable, from_attributes=True)


class DeliverableService:
    def __init__(self, session: AsyncSession, directory: Directory) -> None:
        self.session = session
        self.directory = directory
        self.deliverables = DeliverableRepository(session)

    async def page(
        self, context: ProjectContext, milestone_id: UUID, params: PageParams
    ) -> tuple[list[DeliverableRead], str | None]:
        milestone = await self._milestone(context, milestone_id)
        rows = await self.deliverables.page(milestone.id, SORT_KEY, params)
        items, next_cursor = build_page(rows, SORT_KEY, params)
        return [_read(item) for item in items], next_cursor

    async def get(
        self, context: ProjectContext, milestone_id: UUID, deliverable_id: UUID
    ) -> DeliverableRead:
        milestone = await self._milestone(context, milestone_id)
        return _read(await self._get(milestone, deliverable_id))

    async def create(
        self, context: ProjectContext, milestone_id: UUID, request: DeliverableCreate
    ) -> DeliverableRead:
        milestone = await self._milestone(context, milestone_id)
        if request.owner_id is not None:
            await self._check_owner(context, request.owner_id)
        deliverable = Deliverable(
            workspace_id=milestone.workspace_id,
            milestone_id=milestone.id,
            version=1,
            **request.model_dump(),
        )
        await self.deliverables.add(deliverable)
        return _read(deliverable)

    async def update(
        self,
        context: ProjectContext,
        milestone_id: UUID,
        deliverable_id: UUID,
        request: DeliverableUpdate,
        if_match: EntityTags | None = None,
    ) -> DeliverableRead:
        milestone = await self._milestone(context, milestone_id, for_update=True)
        deliverable = await self._get(milestone, deliverable_id, for_update=True)
        check_version(if_match, deliverable.version)
        changes = {
            name: value
            for name, value in request.model_dump(exclude_unset=True).items()
            if getattr(deliverable, name) != value
        }
        if not changes:
            return _read(deliverable)
        if changes.get("owner_id") is not None:
            await self._check_owner(context, changes["owner_id"])
        for name, value in changes.items():
            setattr(deliverable, name, value)
        deliverable.version += 1
        await self.deliverables.flush()
        return _read(deliverable)

    async def delete(
        self,
        context: ProjectContext,
        milestone_id: UUID,
        deliverable_id: UUID,
        if_match: EntityTags | None = None,
    ) -> None:
        milestone = await self._milestone(context, milestone_id, for_update=True)
        deliverable = await self._get(milestone, deliverable_id, for_update=True)
        check_version(if_match, deliverable.version)
        await self.deliverables.delete(deliverable)

    async def _milestone(
        self, context: ProjectContext, milestone_id: UUID, *, for_update: bool = False
    ) -> Milestone:
        """The milestone, locked for writes: its completion (which checks the required
        deliverables) and a change to them happen one after the other."""
        milestone = await MilestoneRepository(self.session).get(
            context.workspace.workspace_id, context.project.id, milestone_id, for_update=for_update
        )
        if milestone is None:
            raise not_found("milestone")
        return milestone

    async def _get(
        self, milestone: Milestone, deliverable_id: UUID, *, for_update: bool = False
    ) -> Deliverable:
        deliverable = await self.deliverables.get(
            milestone.id, deliverable_id, for_update=for_update
        )
        if deliverable is None:
            raise not_found("deliverable")
        return deliverable

    async def _check_owner(self, context: ProjectContext, user_id: UUID) -> None:
        workspace = context.workspace
        member = await self.directory.workspace_member(
            self.session, workspace.membership, user_id, workspace.authorization
        )
        if member is None:
            raise unknown_reference("owner_id", "member")
