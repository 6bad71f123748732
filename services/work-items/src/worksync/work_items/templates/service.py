"""Project templates of a workspace: phases with tasks (estimates, skills, dependencies that
never loop), categories, text search, a usage count; applied to a project they become its
issues — phases as parents, tasks as sub-issues, dependencies as "blocks" relations — all in
the request's one transaction. A project's issues can be saved as a template too.

Workspace members (not guests) create templates; their creator or a workspace admin
changes and deletes them; whoever may create issues in a project applies one to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import (
    Directory,
    ProjectRole,
    WorkspaceContext,
    WorkspaceRole,
)
from worksync.common.directory.access import DirectoryProject
from worksync.common.errors import invalid_field, not_found
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.work_items.activity.repository import ActivityRepository
from worksync.work_items.boards.rank_repository import RankRepository
from worksync.work_items.enums import ActivityKind, RelationKind, RelationType, StateGroup
from worksync.work_items.errors import NotAllowed
from worksync.work_items.issues.read_model import IssueReadModel, issue_key
from worksync.work_items.issues.repository import IssueRepository
from worksync.work_items.issues.service import completed_at
from worksync.work_items.messaging.published import RelationCreated
from worksync.work_items.messaging.recording import record_issues_created, record_relations
from worksync.work_items.models import (
    Issue,
    IssueRelation,
    ProjectTemplate,
    TemplatePhase,
    TemplateTask,
)
from worksync.work_items.projects.repository import ProjectRepository
from worksync.work_items.projects.service import ensure_project_set_up
from worksync.work_items.relations.repository import RelationRepository
from worksync.work_items.states.repository import StateRepository
from worksync.work_items.templates.repository import TemplateRepository, TemplateTree
from worksync.work_items.templates.rules import in_a_cycle, unknown_dependencies
from worksync.work_items.templates.schemas import (
    AppliedTemplate,
    ApplyTemplate,
    CreatedIssue,
    PhaseIn,
    PhaseOut,
    TaskIn,
    TaskOut,
    Template,
    TemplateCreate,
    TemplateFromProject,
    TemplateSummary,
    TemplateUpdate,
)

NAME_ORDER = sort_key("name", ProjectTemplate.name, ProjectTemplate.id)


def _check_phases(phases: list[PhaseIn]) -> None:
    tasks = [task for phase in phases for task in phase.tasks]
    keys = [task.key for task in tasks]
    if len(set(keys)) != len(keys):
        raise invalid_field("phases", "task keys must be unique in the template")
    depends_on = {task.key: task.depends_on for task in tasks}
    if unknown_dependencies(depends_on):
        raise invalid_field(
            "phases", "depends_on names no task of the template", code="unknown_reference"
        )
    looping = in_a_cycle(depends_on)
    if looping:
        raise invalid_field(
            "phases",
            f"dependencies loop through {', '.join(sorted(looping)[:5])}",
            code="dependency_cycle",
        )


def _summary(template: ProjectTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "name": template.name,
        "description": template.description,
        "category": template.category,
        "usage_count": template.usage_count,
        "created_by": template.created_by,
        "created_at": template.created_at,
        "updated_at": template.updated_at,
    }


class TemplateService:
    def __init__(self, session: AsyncSession, directory: Directory) -> None:
        self.session = session
        self.directory = directory
        self.templates = TemplateRepository(session)

    async def page(
        self,
        context: WorkspaceContext,
        search: str | None,
        category: str | None,
        params: PageParams,
    ) -> tuple[list[TemplateSummary], str | None]:
        rows = await self.templates.page(context.workspace_id, search, category, NAME_ORDER, params)
        items, next_cursor = build_page(rows, NAME_ORDER, params)
        return [TemplateSummary(**_summary(row)) for row in items], next_cursor

    async def get(self, context: WorkspaceContext, template_id: UUID) -> Template:
        return await self._read(await self._template(context, template_id))

    async def create(self, context: WorkspaceContext, request: TemplateCreate) -> Template:
        _check_phases(request.phases)
        template = ProjectTemplate(
            id=new_id(),
            workspace_id=context.workspace_id,
            name=request.name,
            description=request.description,
            category=request.category,
            created_by=context.user_id,
        )
        await self.templates.add(template)
        await self._add_phases(template, request.phases)
        return await self._read(template)

    async def update(
        self,
        context: WorkspaceContext,
        template_id: UUID,
        request: TemplateUpdate,
        if_match: EntityTags | None = None,
    ) -> Template:
        template = await self._template(context, template_id, for_update=True)
        _may_change(context, template)
        check_version(if_match, template.version)
        changes = request.model_dump(exclude_unset=True, exclude={"phases"})
        if request.phases is not None:
            _check_phases(request.phases)
            await self.templates.remove_phases(template.id)
            await self._add_phases(template, request.phases)
        for name, value in changes.items():
            setattr(template, name, value)
        if changes or request.phases is not None:
            template.version += 1
        await self.templates.flush()
        return await self._read(template)

    async def delete(
        self, context: WorkspaceContext, template_id: UUID, if_match: EntityTags | None = None
    ) -> None:
        template = await self._template(context, template_id, for_update=True)
        _may_change(context, template)
        check_version(if_match, template.version)
        await self.templates.delete(template)

    async def from_project(
        self, context: WorkspaceContext, request: TemplateFromProject
    ) -> Template:
        project = await self._project(context, request.project_id, at_least=None)
        issues = await IssueRepository(self.session).live_in_rank_order(project.id)
        top = [issue for issue in issues if issue.parent_id is None]
        children: dict[UUID, list[Issue]] = {issue.id: [] for issue in top}
        for issue in issues:
            if issue.parent_id in children:
                children[issue.parent_id].append(issue)
        keys = {issue.id: issue_key(project.identifier, issue.sequence_id) for issue in issues}
        blocked_by = await RelationRepository(self.session).blockers(project.id)
        phases = [
            PhaseIn(
                title=phase.title,
                description=phase.description,
                tasks=[
                    TaskIn(
                        key=keys[task.id],
                        title=task.title,
                        description=task.description,
                        estimate_minutes=task.estimate_minutes,
                        depends_on=[
                            keys[blocker]
                            for blocker in blocked_by.get(task.id, [])
                            if blocker in keys and blocker not in children
                        ],
                    )
                    for task in children[phase.id]
                ],
            )
            for phase in top
        ]
        if not phases:
            raise invalid_field("project_id", "the project has no issues to make phases of")
        return await self.create(
            context,
            TemplateCreate(
                name=request.name,
                description=request.description,
                category=request.category,
                phases=phases,
            ),
        )

    async def apply(
        self, context: WorkspaceContext, template_id: UUID, request: ApplyTemplate, now: datetime
    ) -> AppliedTemplate:
        template = await self._template(context, template_id)
        project = await self._project(context, request.project_id, at_least=ProjectRole.MEMBER)
        tree = await self.templates.tree(template.id)
        issues, task_issue = await self._create_issues(context, project, tree, now)
        relations = await self._create_relations(context, project, tree, task_issue, now)
        await self.templates.count_use(template.id)
        return AppliedTemplate(
            project_id=project.id,
            issues=[
                CreatedIssue(
                    id=row.id,
                    key=issue_key(project.identifier, row.sequence_id),
                    title=row.title,
                    parent_id=row.parent_id,
                    template_key=key,
                )
                for row, key in issues
            ],
            relation_count=relations,
        )

    async def _create_issues(
        self,
        context: WorkspaceContext,
        project: DirectoryProject,
        tree: TemplateTree,
        now: datetime,
    ) -> tuple[list[tuple[Issue, str | None]], dict[UUID, Issue]]:
        """Phases, each followed by its tasks, numbered and ranked in that order."""
        count = len(tree.phases) + sum(len(tasks) for tasks in tree.tasks.values())
        state = await StateRepository(self.session).default_of(project.id)
        group = StateGroup(state.group)
        ranks_repository = RankRepository(self.session)
        await ranks_repository.lock(project.id)
        first = await ProjectRepository(self.session).reserve_sequence_ids(project.id, count)
        ranks = iter(await ranks_repository.next_ranks(project.id, count))
        issue_rows = IssueRepository(self.session)
        position = await issue_rows.next_position(project.workspace_id, project.id)
        numbers = iter(range(first, first + count))
        created: list[tuple[Issue, str | None]] = []
        task_issue: dict[UUID, Issue] = {}

        def issue(
            title: str, description: str | None, parent: Issue | None, estimate: int | None
        ) -> Issue:
            nonlocal position
            row = Issue(
                id=new_id(),
                workspace_id=project.workspace_id,
                project_id=project.id,
                sequence_id=next(numbers),
                title=title,
                description=description,
                description_format="markdown",
                state_id=state.id,
                priority="none",
                parent_id=None if parent is None else parent.id,
                estimate_minutes=estimate,
                completed_at=completed_at(group, None, now),
                position=position,
                rank=next(ranks),
                created_by=context.user_id,
                version=0,
            )
            position += 1000.0
            return row

        for phase in tree.phases:
            parent = issue(phase.title, phase.description, None, None)
            created.append((parent, None))
            for task in tree.tasks.get(phase.id, []):
                row = issue(task.title, task.description, parent, task.estimate_minutes)
                created.append((row, task.key))
                task_issue[task.id] = row
        rows = [row for row, _ in created]
        key = project.identifier
        # Recorded before they are written, so each row goes in at the version its event
        # carries: no update of every row afterwards.
        await record_issues_created(
            self.session,
            [
                IssueReadModel(
                    row=row,
                    key=issue_key(key, row.sequence_id),
                    state_group=group,
                    assignee_ids=(),
                    label_ids=(),
                )
                for row in rows
            ],
            actor_id=context.user_id,
        )
        await issue_rows.insert_built(rows)
        await ActivityRepository(self.session).add_entries(
            [_activity(row, ActivityKind.CREATED, context.user_id, now, None) for row in rows]
        )
        return created, task_issue

    async def _create_relations(
        self,
        context: WorkspaceContext,
        project: DirectoryProject,
        tree: TemplateTree,
        task_issue: dict[UUID, Issue],
        now: datetime,
    ) -> int:
        """Each dependency as "blocks": the task depended on blocks the one waiting."""
        relations = [
            IssueRelation(
                id=new_id(),
                workspace_id=project.workspace_id,
                project_id=project.id,
                issue_id=task_issue[depends_on_id].id,
                related_id=task_issue[task_id].id,
                kind=RelationKind.BLOCKS.value,
                created_by=context.user_id,
                version=0,
            )
            for task_id, dependencies in tree.depends_on.items()
            for depends_on_id in dependencies
        ]
        if not relations:
            return 0
        # As for the issues: recorded first, written at their events' version.
        await record_relations(self.session, relations, RelationCreated, actor_id=context.user_id)
        await RelationRepository(self.session).insert_built(relations)
        by_id = {row.id: row for row in task_issue.values()}
        entries = []
        for relation in relations:
            blocker, blocked = by_id[relation.issue_id], by_id[relation.related_id]
            for row, seen, other in (
                (blocker, RelationType.BLOCKS, blocked),
                (blocked, RelationType.BLOCKED_BY, blocker),
            ):
                entries.append(
                    _activity(
                        row,
                        ActivityKind.RELATION_ADDED,
                        context.user_id,
                        now,
                        {
                            "relation_id": str(relation.id),
                            "type": seen.value,
                            "issue_id": str(other.id),
                        },
                    )
                )
        await ActivityRepository(self.session).add_entries(entries)
        return len(relations)

    async def _add_phases(self, template: ProjectTemplate, phases: list[PhaseIn]) -> None:
        phase_rows: list[TemplatePhase] = []
        task_rows: list[TemplateTask] = []
        for position, phase in enumerate(phases):
            phase_row = TemplatePhase(
                id=new_id(),
                template_id=template.id,
                position=position,
                title=phase.title,
                description=phase.description,
            )
            phase_rows.append(phase_row)
            for task_position, task in enumerate(phase.tasks):
                task_rows.append(
                    TemplateTask(
                        id=new_id(),
                        template_id=template.id,
                        phase_id=phase_row.id,
                        key=task.key,
                        position=task_position,
                        title=task.title,
                        description=task.description,
                        estimate_minutes=task.estimate_minutes,
                        skills=list(dict.fromkeys(task.skills)),
                    )
                )
        await self.templates.add_all(phase_rows)
        if task_rows:
            await self.templates.add_all(task_rows)
        by_key = {task.key: task.id for task in task_rows}
        await self.templates.add_dependencies(
            [
                {
                    "template_id": template.id,
                    "task_id": by_key[task.key],
                    "depends_on_id": by_key[key],
                }
                for phase in phases
                for task in phase.tasks
                for key in dict.fromkeys(task.depends_on)
            ]
        )

    async def _read(self, template: ProjectTemplate) -> Template:
        tree = await self.templates.tree(template.id)
        keys = {task.id: task.key for tasks in tree.tasks.values() for task in tasks}
        return Template(
            **_summary(template),
            version=template.version,
            phases=[
                PhaseOut(
                    title=phase.title,
                    description=phase.description,
                    tasks=[
                        TaskOut(
                            key=task.key,
                            title=task.title,
                            description=task.description,
                            estimate_minutes=task.estimate_minutes,
                            skills=list(task.skills),
                            depends_on=sorted(keys[d] for d in tree.depends_on.get(task.id, [])),
                        )
                        for task in tree.tasks.get(phase.id, [])
                    ],
                )
                for phase in tree.phases
            ],
        )

    async def _template(
        self, context: WorkspaceContext, template_id: UUID, *, for_update: bool = False
    ) -> ProjectTemplate:
        if for_update:
            template = await self.templates.get_for_update(context.workspace_id, template_id)
        else:
            template = await self.templates.get(context.workspace_id, template_id)
        if template is None:
            raise not_found("template")
        return template

    async def _project(
        self, context: WorkspaceContext, project_id: UUID, *, at_least: ProjectRole | None
    ) -> DirectoryProject:
        project = await self.directory.project(
            self.session, context.membership, project_id, context.authorization, at_least=at_least
        )
        await ensure_project_set_up(self.session, project)
        return project


def _may_change(context: WorkspaceContext, template: ProjectTemplate) -> None:
    if template.created_by != context.user_id and not context.role.at_least(WorkspaceRole.ADMIN):
        raise NotAllowed("Only its creator or a workspace admin may change a template")


def _activity(
    row: Issue, kind: ActivityKind, actor_id: UUID, now: datetime, new: Any
) -> dict[str, Any]:
    return {
        "workspace_id": row.workspace_id,
        "project_id": row.project_id,
        "issue_id": row.id,
        "actor_id": actor_id,
        "kind": kind.value,
        "field": None,
        "old_value": None,
        "new_value": new,
        "occurred_at": now,
    }
