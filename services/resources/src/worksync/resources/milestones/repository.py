"""SQL of milestones, their dependencies and the tracked issues."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import ARRAY, Row, bindparam, select, text
from sqlalchemy.types import Uuid

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository, orm_table
from worksync.resources.models import Milestone, MilestoneDependency, TrackedIssue

_TRACKED_ISSUES = orm_table(TrackedIssue)
# Built once: every issue event of a project asks it.
_LINKING = (
    select(Milestone)
    .where(Milestone.issue_ids.contains(bindparam("linked_issue_ids", type_=ARRAY(Uuid))))
    .order_by(Milestone.id)
    .with_for_update()
    .execution_options(populate_existing=True)
)


@dataclass(frozen=True)
class MilestoneFilter:
    status: str | None = None
    priority: str | None = None
    assignee_id: UUID | None = None
    due_from: date | None = None
    due_to: date | None = None


@dataclass(frozen=True)
class ProjectNetwork:
    """A project's milestones but cancelled ones, in due date order, as parallel lists, and
    the dependencies between them as `(predecessor, successor, lag_days)` positions in those
    lists."""

    ids: list[UUID]
    titles: list[str]
    statuses: list[str]
    start_dates: list[date]
    due_dates: list[date]
    progress: list[int]
    links: list[tuple[int, int, int]]


# Plain arrays and positions rather than a row and two uuids per dependency: thousands of
# rows, uuids and lookups by uuid cost more than the critical path itself. The dependencies
# keep the order in which the table yields them (it orders parallel critical chains).
NETWORK = text(
    """
WITH kept AS (
    SELECT id, title, status, start_date, due_date, progress,
           (row_number() OVER (ORDER BY due_date, id) - 1)::int AS position
    FROM resources.milestones
    WHERE workspace_id = :workspace_id AND project_id = :project_id AND status <> 'cancelled'
), dependencies AS (
    SELECT depends_on_id, milestone_id, lag_days, row_number() OVER () AS number
    FROM resources.milestone_dependencies
    WHERE project_id = :project_id
)
SELECT ids, titles, statuses, start_dates, due_dates, progress, predecessors, successors, lags
FROM (
    SELECT array_agg(id ORDER BY position) AS ids,
           array_agg(title ORDER BY position) AS titles,
           array_agg(status ORDER BY position) AS statuses,
           array_agg(start_date ORDER BY position) AS start_dates,
           array_agg(due_date ORDER BY position) AS due_dates,
           array_agg(progress ORDER BY position) AS progress
    FROM kept
) AS milestones
CROSS JOIN (
    SELECT array_agg(predecessor.position ORDER BY number) AS predecessors,
           array_agg(successor.position ORDER BY number) AS successors,
           array_agg(lag_days ORDER BY number) AS lags
    FROM dependencies
    JOIN kept AS predecessor ON predecessor.id = dependencies.depends_on_id
    JOIN kept AS successor ON successor.id = dependencies.milestone_id
) AS links
"""
).bindparams(bindparam("workspace_id", type_=Uuid), bindparam("project_id", type_=Uuid))


class MilestoneRepository(Repository):
    async def get(
        self, workspace_id: UUID, project_id: UUID, milestone_id: UUID, *, for_update: bool = False
    ) -> Milestone | None:
        statement = select(Milestone).where(
            Milestone.workspace_id == workspace_id,
            Milestone.project_id == project_id,
            Milestone.id == milestone_id,
        )
        if for_update:
            return await self.lock_for_update(statement)
        return await self.session.scalar(statement)

    async def page(
        self,
        workspace_id: UUID,
        project_id: UUID,
        where: MilestoneFilter,
        key: SortKey,
        params: PageParams,
    ) -> Sequence[Milestone]:
        statement = select(Milestone).where(
            Milestone.workspace_id == workspace_id, Milestone.project_id == project_id
        )
        if where.status is not None:
            statement = statement.where(Milestone.status == where.status)
        if where.priority is not None:
            statement = statement.where(Milestone.priority == where.priority)
        if where.assignee_id is not None:
            statement = statement.where(Milestone.assignee_ids.contains([where.assignee_id]))
        if where.due_from is not None:
            statement = statement.where(Milestone.due_date >= where.due_from)
        if where.due_to is not None:
            statement = statement.where(Milestone.due_date <= where.due_to)
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def network(self, workspace_id: UUID, project_id: UUID) -> ProjectNetwork:
        """What scheduling and the report read of a project, in one statement (one snapshot:
        the positions the dependencies refer to are those of the milestones read)."""
        row = (
            await self.session.execute(
                NETWORK, {"workspace_id": workspace_id, "project_id": project_id}
            )
        ).one()
        return ProjectNetwork(
            ids=row.ids or [],
            titles=row.titles or [],
            statuses=row.statuses or [],
            start_dates=row.start_dates or [],
            due_dates=row.due_dates or [],
            progress=row.progress or [],
            links=list(
                zip(row.predecessors or [], row.successors or [], row.lags or [], strict=True)
            ),
        )

    async def linking(self, issue_id: UUID) -> Sequence[Milestone]:
        """The milestones linking an issue, locked, in one order (no deadlocks)."""
        await self.flush()
        rows = await self.session.scalars(_LINKING, {"linked_issue_ids": [issue_id]})
        return rows.all()

    async def dependencies(self, milestone_ids: Iterable[UUID]) -> Sequence[MilestoneDependency]:
        """The dependencies of these milestones (on their predecessors)."""
        wanted = list(milestone_ids)
        if not wanted:
            return []
        rows = await self.session.scalars(
            select(MilestoneDependency)
            .where(MilestoneDependency.milestone_id.in_(wanted))
            .order_by(MilestoneDependency.milestone_id, MilestoneDependency.depends_on_id)
        )
        return rows.all()

    async def project_dependencies(self, project_id: UUID) -> Sequence[Row[UUID, UUID, int]]:
        """The project's dependencies as plain rows: `milestone_id, depends_on_id, lag_days`."""
        rows = await self.session.execute(
            select(
                MilestoneDependency.milestone_id,
                MilestoneDependency.depends_on_id,
                MilestoneDependency.lag_days,
            ).where(MilestoneDependency.project_id == project_id)
        )
        return rows.all()

    async def dependency(
        self, milestone_id: UUID, depends_on_id: UUID
    ) -> MilestoneDependency | None:
        return await self.session.get(MilestoneDependency, (milestone_id, depends_on_id))

    async def successors(self, milestone_id: UUID) -> Sequence[Milestone]:
        """The milestones depending on this one, locked, in one order."""
        await self.flush()
        rows = await self.session.scalars(
            select(Milestone)
            .join(MilestoneDependency, MilestoneDependency.milestone_id == Milestone.id)
            .where(MilestoneDependency.depends_on_id == milestone_id)
            .order_by(Milestone.id)
            .with_for_update(of=Milestone)
            .execution_options(populate_existing=True)
        )
        return rows.all()

    async def lock_project(self, project_id: UUID) -> None:
        """Serialise changes to a project's dependency graph (cycle checks read all of it)."""
        await self.lock_key(f"resources.milestones:{project_id}")


class TrackedIssueRepository(Repository):
    async def states(self, issue_ids: Iterable[UUID]) -> dict[UUID, TrackedIssue]:
        wanted = list(issue_ids)
        if not wanted:
            return {}
        rows = await self.session.scalars(
            select(TrackedIssue).where(TrackedIssue.issue_id.in_(wanted))
        )
        return {row.issue_id: row for row in rows}

    async def store(
        self,
        *,
        issue_id: UUID,
        workspace_id: UUID,
        project_id: UUID,
        state_group: str,
        estimate_minutes: int | None,
        deleted: bool,
        sequence: int,
    ) -> bool:
        """Store the issue's state if `sequence` is newer than the stored one; whether it was."""
        values = {
            "issue_id": issue_id,
            "workspace_id": workspace_id,
            "project_id": project_id,
            "state_group": state_group,
            "estimate_minutes": estimate_minutes,
            "deleted": deleted,
            "sequence": sequence,
        }
        return await self.store_if_newer(_TRACKED_ISSUES, values, key=("issue_id",))
