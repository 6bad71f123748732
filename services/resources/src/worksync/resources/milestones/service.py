"""Milestones of a project: CRUD, dependencies without cycles, progress from linked issues,
the critical path and the report.

Workspace admins and the project's admins (its leads) plan; members of the project read.
Every change to a milestone, its dependencies or its progress records `resources.milestone.*`
with the whole milestone. Changes to a project's dependency graph are serialised by an
advisory lock per project, taken before the graph is read, so two requests cannot close a
cycle between them. Linking issues takes the same lock, as does an issue event of the
project (`issues`): a link and an event about the linked issue never miss each other. The
project lock always comes before milestone row locks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import Directory, ProjectContext
from worksync.common.errors import invalid_field, not_found, unknown_reference
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.roles import InsufficientRole
from worksync.resources.deliverables.repository import DeliverableRepository
from worksync.resources.errors import (
    DependencyCycle,
    DependencyExists,
    RequiredDeliverablesOpen,
)
from worksync.resources.messaging.published import (
    MilestoneCreated,
    MilestoneDeleted,
    MilestoneSnapshot,
    MilestoneUpdated,
)
from worksync.resources.messaging.recording import record_milestone
from worksync.resources.milestones.critical_path import Timetable, closes_cycle, timetable
from worksync.resources.milestones.progress import IssueState, derived_progress
from worksync.resources.milestones.report import standing
from worksync.resources.milestones.repository import (
    MilestoneFilter,
    MilestoneRepository,
    ProjectNetwork,
    TrackedIssueRepository,
)
from worksync.resources.milestones.schemas import (
    CriticalPathRead,
    DependencyCreate,
    DependencyRead,
    MilestoneCreate,
    MilestoneRead,
    MilestoneReport,
    MilestoneSort,
    MilestoneUpdate,
    ReportLine,
)
from worksync.resources.models import Milestone, MilestoneDependency, MilestoneStatus

SORT_KEYS = {
    MilestoneSort.DUE_DATE: sort_key("due_date", Milestone.due_date, Milestone.id),
    MilestoneSort.DUE_DATE_DESCENDING: sort_key("-due_date", Milestone.due_date, Milestone.id),
    MilestoneSort.CREATED_AT: sort_key("created_at", Milestone.created_at, Milestone.id),
    MilestoneSort.NEWEST_FIRST: sort_key("-created_at", Milestone.created_at, Milestone.id),
}
EDITABLE = (
    "title",
    "description",
    "start_date",
    "due_date",
    "status",
    "priority",
    "assignee_ids",
    "issue_ids",
)
MAX_DEPENDENCIES = 100
"""Predecessors one milestone may have."""


def _read(milestone: Milestone, dependencies: Sequence[MilestoneDependency]) -> MilestoneRead:
    return MilestoneRead(
        id=milestone.id,
        workspace_id=milestone.workspace_id,
        project_id=milestone.project_id,
        title=milestone.title,
        description=milestone.description,
        start_date=milestone.start_date,
        due_date=milestone.due_date,
        status=MilestoneStatus(milestone.status),
        priority=milestone.priority,
        progress=milestone.progress,
        assignee_ids=list(milestone.assignee_ids),
        issue_ids=list(milestone.issue_ids),
        depends_on=[
            DependencyRead(depends_on_id=d.depends_on_id, lag_days=d.lag_days) for d in dependencies
        ],
        completed_at=milestone.completed_at,
        version=milestone.version,
        created_at=milestone.created_at,
        updated_at=milestone.updated_at,
    )


async def refresh_progress(session: AsyncSession, milestone: Milestone) -> None:
    """Set `progress` from the linked issues the projection knows, else the manual one."""
    states = await TrackedIssueRepository(session).states(milestone.issue_ids)
    issues: list[IssueState | None] = []
    for issue_id in milestone.issue_ids:
        row = states.get(issue_id)
        if row is None:
            issues.append(None)
        # An id linked before its issue was known that turns out to be another project's
        # never counts.
        elif row.project_id == milestone.project_id:
            issues.append(IssueState(row.state_group, row.estimate_minutes, row.deleted))
    derived = derived_progress(issues)
    milestone.progress = milestone.manual_progress if derived is None else derived


async def record_change(
    session: AsyncSession,
    milestone: Milestone,
    event: type[MilestoneSnapshot],
    actor_id: UUID | None,
) -> None:
    """Record the milestone's event with its current dependencies."""
    repository = MilestoneRepository(session)
    await repository.flush()
    dependencies = await repository.dependencies([milestone.id])
    await record_milestone(session, milestone, event, dependencies=dependencies, actor_id=actor_id)


class MilestoneService:
    def __init__(self, session: AsyncSession, directory: Directory) -> None:
        self.session = session
        self.directory = directory
        self.milestones = MilestoneRepository(session)

    async def page(
        self,
        context: ProjectContext,
        where: MilestoneFilter,
        sort: MilestoneSort,
        params: PageParams,
    ) -> tuple[list[MilestoneRead], str | None]:
        key = SORT_KEYS[sort]
        rows = await self.milestones.page(
            context.workspace.workspace_id, context.project.id, where, key, params
        )
        items, next_cursor = build_page(rows, key, params)
        return await self._reads(items), next_cursor

    async def get(self, context: ProjectContext, milestone_id: UUID) -> MilestoneRead:
        return (await self._reads([await self._get(context, milestone_id)]))[0]

    async def many(self, context: ProjectContext, milestone_ids: list[UUID]) -> list[MilestoneRead]:
        """These milestones of the project, in this order."""
        milestones = [await self._get(context, milestone_id) for milestone_id in milestone_ids]
        return await self._reads(milestones)

    async def create(
        self, context: ProjectContext, request: MilestoneCreate, now: datetime
    ) -> MilestoneRead:
        if request.due_date < request.start_date:
            raise invalid_field("due_date", "must not be before start_date")
        await self._check_assignees(context, request.assignee_ids)
        if request.issue_ids:
            await self.milestones.lock_project(context.project.id)
        await self._check_issues(context, request.issue_ids)
        values = request.model_dump(exclude={"progress"})
        milestone = Milestone(
            workspace_id=context.workspace.workspace_id,
            project_id=context.project.id,
            manual_progress=request.progress,
            completed_at=now if request.status is MilestoneStatus.COMPLETED else None,
            **values,
        )
        await refresh_progress(self.session, milestone)
        await self.milestones.add(milestone)
        await record_change(self.session, milestone, MilestoneCreated, context.workspace.user_id)
        return await self.get(context, milestone.id)

    async def update(
        self,
        context: ProjectContext,
        milestone_id: UUID,
        request: MilestoneUpdate,
        *,
        force: bool,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> MilestoneRead:
        if request.issue_ids is not None:
            await self._get(context, milestone_id)
            await self.milestones.lock_project(context.project.id)
        milestone = await self._get(context, milestone_id, for_update=True)
        check_version(if_match, milestone.version)
        changes = request.model_dump(exclude_unset=True)
        manual = changes.pop("progress", milestone.manual_progress)
        before = {name: getattr(milestone, name) for name in EDITABLE}
        after = {**before, **changes}
        if after["due_date"] < after["start_date"]:
            raise invalid_field("due_date", "must not be before start_date")
        if after["assignee_ids"] != before["assignee_ids"]:
            await self._check_assignees(context, after["assignee_ids"])
        if after["issue_ids"] != before["issue_ids"]:
            await self._check_issues(context, after["issue_ids"])
        completing = (
            after["status"] == MilestoneStatus.COMPLETED
            and before["status"] != MilestoneStatus.COMPLETED
        )
        if completing:
            await self._check_completable(context, milestone.id, force=force)
        if after == before and manual == milestone.manual_progress:
            return await self.get(context, milestone.id)
        for name, value in after.items():
            setattr(milestone, name, value)
        milestone.manual_progress = manual
        if after["status"] != before["status"]:
            milestone.completed_at = now if completing else None
        await refresh_progress(self.session, milestone)
        await record_change(self.session, milestone, MilestoneUpdated, context.workspace.user_id)
        return await self.get(context, milestone.id)

    async def delete(
        self, context: ProjectContext, milestone_id: UUID, if_match: EntityTags | None = None
    ) -> None:
        milestone = await self._get(context, milestone_id)
        await self.milestones.lock_project(context.project.id)
        milestone = await self._get(context, milestone_id, for_update=True)
        check_version(if_match, milestone.version)
        actor = context.workspace.user_id
        successors = await self.milestones.successors(milestone.id)
        await record_change(self.session, milestone, MilestoneDeleted, actor)
        await self.milestones.delete(milestone)
        for successor in successors:
            await record_change(self.session, successor, MilestoneUpdated, actor)

    async def add_dependency(
        self, context: ProjectContext, milestone_id: UUID, request: DependencyCreate
    ) -> MilestoneRead:
        await self._get(context, milestone_id)
        await self.milestones.lock_project(context.project.id)
        milestone = await self._get(context, milestone_id, for_update=True)
        if await self._find(context, request.depends_on_id) is None:
            raise unknown_reference("depends_on_id", "milestone", where="in this project")
        if await self.milestones.dependency(milestone.id, request.depends_on_id) is not None:
            raise DependencyExists()
        edges = await self.milestones.project_dependencies(context.project.id)
        pairs = [(edge.depends_on_id, edge.milestone_id) for edge in edges]
        if closes_cycle(pairs, request.depends_on_id, milestone.id):
            raise DependencyCycle()
        if sum(1 for edge in edges if edge.milestone_id == milestone.id) >= MAX_DEPENDENCIES:
            raise invalid_field(
                "depends_on_id",
                f"a milestone depends on at most {MAX_DEPENDENCIES} others",
                code="too_many_dependencies",
            )
        await self.milestones.add(
            MilestoneDependency(
                milestone_id=milestone.id,
                depends_on_id=request.depends_on_id,
                project_id=context.project.id,
                lag_days=request.lag_days,
            )
        )
        await record_change(self.session, milestone, MilestoneUpdated, context.workspace.user_id)
        return await self.get(context, milestone.id)

    async def remove_dependency(
        self, context: ProjectContext, milestone_id: UUID, depends_on_id: UUID
    ) -> None:
        await self._get(context, milestone_id)
        await self.milestones.lock_project(context.project.id)
        milestone = await self._get(context, milestone_id, for_update=True)
        dependency = await self.milestones.dependency(milestone.id, depends_on_id)
        if dependency is None:
            raise not_found("dependency")
        await self.milestones.delete(dependency)
        await record_change(self.session, milestone, MilestoneUpdated, context.workspace.user_id)

    async def critical_path(self, context: ProjectContext) -> CriticalPathRead:
        network, table = await self._schedule(context)
        ids = network.ids
        # Plain values validated once by pydantic's core: a model built in Python for each
        # of thousands of milestones would cost as much as the method.
        return CriticalPathRead.model_validate(
            {
                "milestones": [
                    {
                        "milestone_id": milestone_id,
                        "title": title,
                        "duration_days": duration,
                        "earliest_start": early_start,
                        "earliest_finish": early_finish,
                        "latest_start": late_start,
                        "latest_finish": late_finish,
                        "total_slack_days": slack,
                        "finish_variance_days": variance,
                        "critical": slack == 0,
                    }
                    for (
                        milestone_id,
                        title,
                        duration,
                        early_start,
                        early_finish,
                        late_start,
                        late_finish,
                        slack,
                        variance,
                    ) in zip(
                        ids,
                        network.titles,
                        table.duration,
                        table.early_start,
                        table.early_finish,
                        table.late_start,
                        table.late_finish,
                        table.total_slack,
                        table.finish_variance,
                        strict=True,
                    )
                ],
                "chains": [[ids[position] for position in chain] for chain in table.chains],
                "chains_truncated": table.chains_truncated,
                "projected_finish": table.projected_finish,
                "latest_due_date": table.latest_due,
                "finish_variance_days": table.project_finish_variance,
            }
        )

    async def report(self, context: ProjectContext, today: date) -> MilestoneReport:
        network, table = await self._schedule(context)
        lines = []
        for position, milestone_id in enumerate(network.ids):
            status = MilestoneStatus(network.statuses[position])
            judged = standing(
                status=status,
                start=network.start_dates[position],
                due=network.due_dates[position],
                progress=network.progress[position],
                finish_variance=table.finish_variance[position],
                today=today,
            )
            lines.append(
                ReportLine(
                    milestone_id=milestone_id,
                    title=network.titles[position],
                    status=status,
                    due_date=network.due_dates[position],
                    progress=network.progress[position],
                    health=judged.health,
                    reasons=judged.reasons,
                    detail=judged.detail,
                )
            )
        return MilestoneReport(as_of=today, milestones=lines)

    async def _schedule(self, context: ProjectContext) -> tuple[ProjectNetwork, Timetable]:
        """The project's milestones but cancelled ones (due date order), and the critical
        path over them and the dependencies between them."""
        network = await self.milestones.network(context.workspace.workspace_id, context.project.id)
        return network, timetable(network.start_dates, network.due_dates, network.links)

    async def _reads(self, milestones: Sequence[Milestone]) -> list[MilestoneRead]:
        """The milestones with their dependencies (one query)."""
        by_milestone: dict[UUID, list[MilestoneDependency]] = {m.id: [] for m in milestones}
        for dependency in await self.milestones.dependencies(by_milestone):
            by_milestone[dependency.milestone_id].append(dependency)
        return [_read(milestone, by_milestone[milestone.id]) for milestone in milestones]

    async def _find(self, context: ProjectContext, milestone_id: UUID) -> Milestone | None:
        return await self.milestones.get(
            context.workspace.workspace_id, context.project.id, milestone_id
        )

    async def _get(
        self, context: ProjectContext, milestone_id: UUID, *, for_update: bool = False
    ) -> Milestone:
        milestone = await self.milestones.get(
            context.workspace.workspace_id,
            context.project.id,
            milestone_id,
            for_update=for_update,
        )
        if milestone is None:
            raise not_found("milestone")
        return milestone

    async def _check_assignees(self, context: ProjectContext, user_ids: list[UUID]) -> None:
        """Assignees are live members of the workspace (422 otherwise)."""
        if not user_ids:
            return
        workspace = context.workspace
        found = await self.directory.workspace_members(
            self.session, workspace.membership, user_ids, workspace.authorization
        )
        if set(user_ids) - found.keys():
            raise unknown_reference("assignee_ids", "member")

    async def _check_issues(self, context: ProjectContext, issue_ids: list[UUID]) -> None:
        """Linked issues the projection knows must be of this project; one it has not heard
        of yet (created a moment ago) is accepted and counts once its event arrives."""
        states = await TrackedIssueRepository(self.session).states(issue_ids)
        if any(row.project_id != context.project.id for row in states.values()):
            raise unknown_reference("issue_ids", "issue", where="in this project")

    async def _check_completable(
        self, context: ProjectContext, milestone_id: UUID, *, force: bool
    ) -> None:
        """A milestone with an open required deliverable completes only when a workspace
        admin forces it."""
        if force and not context.workspace.role.administers:
            raise InsufficientRole("admin")
        if force:
            return
        open_required = await DeliverableRepository(self.session).open_required(milestone_id)
        if open_required:
            raise RequiredDeliverablesOpen(open_required)
