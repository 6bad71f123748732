"""Milestone templates: workspace admins write them, members read them; applying one to a
project (a planner's act) creates its milestones, dependencies and deliverables in one
transaction. Dates: a milestone starts `offset_days` working days after the anchor (the
anchor itself when it is a working day, else the next one) and lasts `duration_days`
working days."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext, WorkspaceContext
from worksync.common.errors import NameTaken, not_found
from worksync.common.pagination import PageParams, SortKey, apply_keyset, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.repository import Repository
from worksync.resources.messaging.published import MilestoneCreated
from worksync.resources.milestones.calendar import working_day, working_index
from worksync.resources.milestones.service import record_change
from worksync.resources.models import (
    Deliverable,
    Milestone,
    MilestoneDependency,
    MilestoneTemplate,
)
from worksync.resources.templates.schemas import (
    FromTemplate,
    TemplateCreate,
    TemplateRead,
    TemplateUpdate,
)

SORT_KEY = sort_key("created_at", MilestoneTemplate.created_at, MilestoneTemplate.id)
NAME_UNIQUE = "uq_milestone_templates_workspace_id_name"


class TemplateRepository(Repository):
    constraint_errors = {NAME_UNIQUE: lambda: NameTaken("milestone_template")}

    async def get(
        self, workspace_id: UUID, template_id: UUID, *, for_update: bool = False
    ) -> MilestoneTemplate | None:
        statement = select(MilestoneTemplate).where(
            MilestoneTemplate.workspace_id == workspace_id, MilestoneTemplate.id == template_id
        )
        if for_update:
            return await self.lock_for_update(statement)
        return await self.session.scalar(statement)

    async def page(
        self, workspace_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[MilestoneTemplate]:
        statement = select(MilestoneTemplate).where(MilestoneTemplate.workspace_id == workspace_id)
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()


def _read(template: MilestoneTemplate) -> TemplateRead:
    return TemplateRead.model_validate(template, from_attributes=True)


class TemplateService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.templates = TemplateRepository(session)

    async def page(
        self, context: WorkspaceContext, params: PageParams
    ) -> tuple[list[TemplateRead], str | None]:
        rows = await self.templates.page(context.workspace_id, SORT_KEY, params)
        items, next_cursor = build_page(rows, SORT_KEY, params)
        return [_read(item) for item in items], next_cursor

    async def get(self, context: WorkspaceContext, template_id: UUID) -> TemplateRead:
        return _read(await self._get(context, template_id))

    async def create(self, context: WorkspaceContext, request: TemplateCreate) -> TemplateRead:
        template = MilestoneTemplate(
            workspace_id=context.workspace_id,
            name=request.name,
            description=request.description,
            milestones=[m.model_dump(mode="json") for m in request.milestones],
        )
        await self.templates.add(template)
        return _read(template)

    async def update(
        self,
        context: WorkspaceContext,
        template_id: UUID,
        request: TemplateUpdate,
        if_match: EntityTags | None = None,
    ) -> TemplateRead:
        template = await self._get(context, template_id, for_update=True)
        check_version(if_match, template.version)
        changes = request.model_dump(mode="json", exclude_unset=True)
        changes = {k: v for k, v in changes.items() if getattr(template, k) != v}
        if not changes:
            return _read(template)
        for name, value in changes.items():
            setattr(template, name, value)
        template.version += 1
        await self.templates.flush()
        return _read(template)

    async def delete(
        self, context: WorkspaceContext, template_id: UUID, if_match: EntityTags | None = None
    ) -> None:
        template = await self._get(context, template_id, for_update=True)
        check_version(if_match, template.version)
        await self.templates.delete(template)

    async def apply(self, context: ProjectContext, request: FromTemplate) -> list[UUID]:
        """Create the template's milestones in the project; their ids, in template order."""
        workspace = context.workspace
        template = _read(await self._get(workspace, request.template_id))
        anchor = working_index(request.anchor_date)
        repository = Repository(self.session)
        created: dict[str, Milestone] = {}
        for item in template.milestones:
            start = anchor + item.offset_days
            milestone = Milestone(
                workspace_id=workspace.workspace_id,
                project_id=context.project.id,
                title=item.title,
                description=item.description,
                start_date=working_day(start),
                due_date=working_day(start + item.duration_days - 1),
                priority=item.priority,
                progress=0,
                manual_progress=0,
                assignee_ids=[],
                issue_ids=[],
            )
            created[item.key] = milestone
            repository.session.add(milestone)
        await repository.flush()
        for item in template.milestones:
            milestone = created[item.key]
            for dependency in item.depends_on:
                repository.session.add(
                    MilestoneDependency(
                        milestone_id=milestone.id,
                        depends_on_id=created[dependency.key].id,
                        project_id=context.project.id,
                        lag_days=dependency.lag_days,
                    )
                )
            for deliverable in item.deliverables:
                repository.session.add(
                    Deliverable(
                        workspace_id=workspace.workspace_id,
                        milestone_id=milestone.id,
                        version=1,
                        **deliverable.model_dump(),
                    )
                )
        await repository.flush()
        for item in template.milestones:
            await record_change(
                self.session, created[item.key], MilestoneCreated, workspace.user_id
            )
        return [created[item.key].id for item in template.milestones]

    async def _get(
        self, context: WorkspaceContext, template_id: UUID, *, for_update: bool = False
    ) -> MilestoneTemplate:
        template = await self.templates.get(
            context.workspace_id, template_id, for_update=for_update
        )
        if template is None:
            raise not_found("milestone_template")
        return template
