"""What the operator tools may republish from work-items, and which of its projections they
may rebuild (`python -m worksync.common.ops republish workitems.issue`, `... rebuild
work-items directory`).

An issue's snapshot is the event `recording.py` records for a change that leaves it as it
is: `workitems.issue.updated`, or `deleted` for a deleted one (never `created`, which is
news of a new issue). Its key needs the project's identifier, which the directory holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.ops.republish import at_current_version
from worksync.common.ops.services import AggregateType, ServiceOperations, directory_projection
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.issues.read_model import load_read_models
from worksync.work_items.messaging.published import IssueDeleted, IssueUpdated, outbox
from worksync.work_items.messaging.recording import record_issue
from worksync.work_items.models import Issue, directory_tables


async def _identifiers(session: AsyncSession, project_ids: set[UUID]) -> dict[UUID, str]:
    projects = directory_tables.projects
    rows = await session.execute(
        select(projects.c.id, projects.c.identifier).where(projects.c.id.in_(project_ids))
    )
    return {row.id: row.identifier for row in rows}


async def _issues(session: AsyncSession, rows: Sequence[Issue]) -> None:
    identifiers = await _identifiers(session, {row.project_id for row in rows})
    missing = {row.project_id for row in rows} - identifiers.keys()
    if missing:
        raise LookupError(
            f"projects {sorted(map(str, missing))} are not in work-items' directory: "
            "republish workspace.project first"
        )
    by_project = sorted(rows, key=lambda row: (str(row.project_id), row.id))
    for project_id, issues in groupby(by_project, key=lambda row: row.project_id):
        for issue in await load_read_models(session, list(issues), identifiers[project_id]):
            event = IssueDeleted if issue.row.deleted_at else IssueUpdated
            with at_current_version(issue.row):
                await record_issue(session, issue, event, actor_id=None)


OPERATIONS = ServiceOperations(
    settings=WorkItemsSettings,
    outbox=outbox,
    aggregates=(AggregateType("workitems.issue", Issue, Issue.workspace_id, _issues),),
    projections=(directory_projection(directory_tables),),
)
