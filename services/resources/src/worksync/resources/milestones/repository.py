"""SQL of milestones, their dependencies and the tracked issues."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.dialects.postgresql import insert as upsert

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.resources.models import Milestone, MilestoneDependency, TrackedIssue


@dataclass(frozen=True)
class MilestoneFilter:
    status: str | None = None
    priority: str | None = None
    assignee_id: UUID | None = None
    due_from: date | None = None
    due_to: date | None = None


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

    async def of_project(
        self, workspace_id: UUID, project_id: UUID
    ) -> Sequence[Row[UUID, str, str, date, date, int]]:
        """What scheduling and the report read of every milestone of a project, as plain
        rows (thousands of ORM objects would cost more than the critical path itself)."""
        rows = await self.session.execute(
            select(
                Milestone.id,
                Milestone.title,
                Milestone.status,
                Milestone.start_date,
                Milestone.due_date,
                Milestone.progress,
            )
            .where(Milestone.workspace_id == workspace_id, Milestone.project_id == project_id)
            .order_by(Milestone.due_date, Milestone.id)
        )
        return rows.all()

    async def linking(self, issue_id: UUID) -> Sequence[Milestone]:
        """The milestones linking an issue, locked, in one order (no deadlocks)."""
        await self.flush()
        rows = await self.session.scalars(
            select(Milestone)
            .where(Milestone.issue_ids.contains([issue_id]))
            .order_by(Milestone.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
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
        proposed = upsert(TrackedIssue).values(values)
        statement = proposed.on_conflict_do_update(
            index_elements=[TrackedIssue.issue_id],
            set_={name: proposed.excluded[name] for name in values if name != "issue_id"},
            where=TrackedIssue.sequence < proposed.excluded.sequence,
        ).returning(TrackedIssue.issue_id)
        return (await self.session.execute(statement)).first() is not None
