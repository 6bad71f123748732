"""SQL of the activity feed."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Uuid, any_, bindparam, insert, select
from sqlalchemy.dialects.postgresql import ARRAY

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.work_items.activity.schemas import ActivityFilters
from worksync.work_items.built_rows import table_of
from worksync.work_items.models import Issue, IssueActivity

# Built once with bound values: every batch of time-entry events asks it.
_ISSUES_IN_WORKSPACE = select(Issue.id, Issue.project_id).where(
    Issue.workspace_id == bindparam("workspace_id", type_=Uuid),
    Issue.id == any_(bindparam("issue_ids", type_=ARRAY(Uuid))),
)


class ActivityRepository(Repository):
    async def add_entries(self, entries: Sequence[dict[str, Any]]) -> None:
        """One executemany for all, compiled once and cached, where `values(list)`
        compiled a bind parameter per value each time (a third of a second for the 1,490
        rows of a 500-task template). Entries set the same keys."""
        if entries:
            with self.constraints_checked():
                await self.session.execute(insert(table_of(IssueActivity)), list(entries))

    async def issues_in_workspace(
        self, workspace_id: UUID, issue_ids: Collection[UUID]
    ) -> dict[UUID, UUID]:
        """The project of each of these issues that exists in the workspace, deleted or not."""
        rows = await self.session.execute(
            _ISSUES_IN_WORKSPACE, {"workspace_id": workspace_id, "issue_ids": list(issue_ids)}
        )
        return {row.id: row.project_id for row in rows}

    async def page(
        self,
        where: Sequence[ColumnElement[bool]],
        filters: ActivityFilters,
        key: SortKey,
        params: PageParams,
    ) -> Sequence[IssueActivity]:
        query = select(IssueActivity).where(*where)
        if filters.kinds:
            query = query.where(IssueActivity.kind.in_([kind.value for kind in filters.kinds]))
        if filters.actor_id is not None:
            query = query.where(IssueActivity.actor_id == filters.actor_id)
        if filters.since is not None:
            query = query.where(IssueActivity.occurred_at >= filters.since)
        return (await self.session.scalars(apply_keyset(query, key, params))).all()
