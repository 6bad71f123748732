"""The activity feed: written by every change to an issue in that change's transaction,
read per issue or per project, newest first by default.

A PATCH writes one `updated` row per field it changed (none when it changed nothing);
creation, deletion and restore one row each; comments and time tracking's entries theirs.
`completed_at` follows the state and is not a row of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext, ProjectRole
from worksync.common.errors import not_found
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.work_items.activity.changes import FieldChange, changed_fields
from worksync.work_items.activity.repository import ActivityRepository
from worksync.work_items.activity.schemas import ActivityEntry, ActivityFilters, ActivitySort
from worksync.work_items.enums import ActivityKind
from worksync.work_items.issues.read_model import IssueReadModel
from worksync.work_items.issues.repository import IssueRepository
from worksync.work_items.models import Issue, IssueActivity

SORT_KEYS = {
    ActivitySort.NEWEST_FIRST: sort_key(
        "-occurred_at", IssueActivity.occurred_at, IssueActivity.id
    ),
    ActivitySort.OLDEST_FIRST: sort_key("occurred_at", IssueActivity.occurred_at, IssueActivity.id),
}

# The fields a client changes, as the feed names them.
TRACKED = (
    "title",
    "description",
    "description_format",
    "state_id",
    "priority",
    "assignee_ids",
    "label_ids",
    "parent_id",
    "start_date",
    "due_date",
    "estimate_minutes",
    "position",
)


def _json(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return sorted(_json(item) for item in value)
    return value


def tracked_fields(issue: IssueReadModel) -> dict[str, Any]:
    """The issue's tracked fields as JSON values (ids as strings, lists sorted)."""
    values = {
        "assignee_ids": issue.assignee_ids,
        "label_ids": issue.label_ids,
    }
    return {
        field: _json(values[field] if field in values else getattr(issue.row, field))
        for field in TRACKED
    }


def _entry(
    issue: Issue,
    kind: ActivityKind,
    actor_id: UUID | None,
    now: datetime,
    *,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
) -> dict[str, Any]:
    return {
        "workspace_id": issue.workspace_id,
        "project_id": issue.project_id,
        "issue_id": issue.id,
        "actor_id": actor_id,
        "kind": kind.value,
        "field": field,
        "old_value": old,
        "new_value": new,
        "occurred_at": now,
    }


async def record_activity(
    session: AsyncSession,
    issue: Issue,
    kind: ActivityKind,
    actor_id: UUID | None,
    now: datetime,
    *,
    old: Any = None,
    new: Any = None,
) -> None:
    """One row that is not a field change (created, deleted, a comment…)."""
    await ActivityRepository(session).add_entries(
        [_entry(issue, kind, actor_id, now, old=old, new=new)]
    )


async def record_changes(
    session: AsyncSession,
    issue: Issue,
    before: dict[str, Any],
    after: dict[str, Any],
    actor_id: UUID | None,
    now: datetime,
) -> list[FieldChange]:
    """One `updated` row per tracked field that changed; the changes."""
    changes = changed_fields(before, after)
    await ActivityRepository(session).add_entries(
        [
            _entry(
                issue,
                ActivityKind.UPDATED,
                actor_id,
                now,
                field=change.field,
                old=change.old,
                new=change.new,
            )
            for change in changes
        ]
    )
    return changes


class ActivityService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.activity = ActivityRepository(session)

    async def issue_page(
        self,
        context: ProjectContext,
        issue_id: UUID,
        filters: ActivityFilters,
        sort: ActivitySort,
        params: PageParams,
    ) -> tuple[list[ActivityEntry], str | None]:
        """An issue's feed; of a deleted issue only for project admins (as the issue)."""
        include_deleted = context.project.role is ProjectRole.ADMIN
        if not await IssueRepository(self.session).found(
            context.project.id, issue_id, include_deleted=include_deleted
        ):
            raise not_found("issue")
        return await self._page(
            [
                IssueActivity.issue_id == issue_id,
                IssueActivity.project_id == context.project.id,
            ],
            filters,
            sort,
            params,
        )

    async def project_page(
        self,
        context: ProjectContext,
        filters: ActivityFilters,
        sort: ActivitySort,
        params: PageParams,
    ) -> tuple[list[ActivityEntry], str | None]:
        project = context.project
        return await self._page(
            [
                IssueActivity.workspace_id == project.workspace_id,
                IssueActivity.project_id == project.id,
            ],
            filters,
            sort,
            params,
        )

    async def _page(
        self,
        where: Sequence[Any],
        filters: ActivityFilters,
        sort: ActivitySort,
        params: PageParams,
    ) -> tuple[list[ActivityEntry], str | None]:
        key = SORT_KEYS[sort]
        rows = await self.activity.page(where, filters, key, params)
        items, next_cursor = build_page(rows, key, params)
        return [ActivityEntry.model_validate(row) for row in items], next_cursor
