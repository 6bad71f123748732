"""SQL of project templates, their phases, tasks and dependencies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Select, delete, func, insert, select, update

from worksync.common.errors import NameTaken
from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.work_items.models import (
    ProjectTemplate,
    TemplateDependency,
    TemplatePhase,
    TemplateTask,
)

TEMPLATE_NAME = "uq_project_templates_workspace_id_lower_name"


@dataclass(frozen=True)
class TemplateTree:
    phases: Sequence[TemplatePhase]
    tasks: dict[UUID, list[TemplateTask]]  # by phase, in order
    depends_on: dict[UUID, list[UUID]]  # task -> the tasks it waits for


class TemplateRepository(Repository):
    constraint_errors = {TEMPLATE_NAME: lambda: NameTaken("template")}

    def _one(self, workspace_id: UUID, template_id: UUID) -> Select[ProjectTemplate]:
        return select(ProjectTemplate).where(
            ProjectTemplate.workspace_id == workspace_id, ProjectTemplate.id == template_id
        )

    async def get(self, workspace_id: UUID, template_id: UUID) -> ProjectTemplate | None:
        return await self.session.scalar(self._one(workspace_id, template_id))

    async def get_for_update(self, workspace_id: UUID, template_id: UUID) -> ProjectTemplate | None:
        return await self.lock_for_update(self._one(workspace_id, template_id))

    async def page(
        self,
        workspace_id: UUID,
        search: str | None,
        category: str | None,
        key: SortKey,
        params: PageParams,
    ) -> Sequence[ProjectTemplate]:
        query = select(ProjectTemplate).where(ProjectTemplate.workspace_id == workspace_id)
        if category is not None:
            query = query.where(ProjectTemplate.category == category)
        if search:
            vector = ProjectTemplate.__table__.c.search_vector
            query = query.where(vector.op("@@")(func.websearch_to_tsquery("english", search)))
        return (await self.session.scalars(apply_keyset(query, key, params))).all()

    async def tree(self, template_id: UUID) -> TemplateTree:
        phases = (
            await self.session.scalars(
                select(TemplatePhase)
                .where(TemplatePhase.template_id == template_id)
                .order_by(TemplatePhase.position)
            )
        ).all()
        tasks: defaultdict[UUID, list[TemplateTask]] = defaultdict(list)
        for task in await self.session.scalars(
            select(TemplateTask)
            .where(TemplateTask.template_id == template_id)
            .order_by(TemplateTask.phase_id, TemplateTask.position)
        ):
            tasks[task.phase_id].append(task)
        depends_on: defaultdict[UUID, list[UUID]] = defaultdict(list)
        rows = await self.session.execute(
            select(TemplateDependency.task_id, TemplateDependency.depends_on_id)
            .where(TemplateDependency.template_id == template_id)
            .order_by(TemplateDependency.task_id, TemplateDependency.depends_on_id)
        )
        for task_id, depends_on_id in rows:
            depends_on[task_id].append(depends_on_id)
        return TemplateTree(phases=phases, tasks=dict(tasks), depends_on=dict(depends_on))

    async def add_dependencies(self, rows: Sequence[dict[str, UUID]]) -> None:
        """An executemany, compiled once and cached (`values(list)` compiled a bind
        parameter per value each time)."""
        if rows:
            with self.constraints_checked():
                await self.session.execute(insert(TemplateDependency), list(rows))

    async def remove_phases(self, template_id: UUID) -> None:
        """Its phases go, and with them their tasks and dependencies (the database cascades)."""
        await self.execute(delete(TemplatePhase).where(TemplatePhase.template_id == template_id))

    async def count_use(self, template_id: UUID) -> None:
        """One more use; concurrent applications each count (the row is updated in place)."""
        await self.execute(
            update(ProjectTemplate)
            .where(ProjectTemplate.id == template_id)
            .values(
                usage_count=ProjectTemplate.usage_count + 1, updated_at=ProjectTemplate.updated_at
            )
            .execution_options(synchronize_session=False)
        )
