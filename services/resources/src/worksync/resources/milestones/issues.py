"""Work-items' issue events -> the tracked-issue projection -> milestone progress.

Newest sequence wins (the issue's version): an event as old as or older than the stored
state changes nothing, so duplicates and late deliveries are harmless. A deleted issue
stays as a row marked deleted (its `deleted_at` is set) and stops counting; a restore (a
newer version without `deleted_at`) counts it again. When the stored state changed, every
milestone linking the issue recomputes its progress and records `resources.milestone.updated`
if it moved. The project's milestone lock comes first: a request linking the issue at the
same moment either commits before (and this event finds its milestone) or reads the issue's
state after this event committed.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.resources.messaging.consumed import IssueSnapshot
from worksync.resources.messaging.published import MilestoneUpdated
from worksync.resources.milestones.repository import MilestoneRepository, TrackedIssueRepository
from worksync.resources.milestones.service import record_change, refresh_progress


async def apply_issue(session: AsyncSession, issue: IssueSnapshot, *, sequence: int) -> None:
    milestones = MilestoneRepository(session)
    await milestones.lock_project(issue.project_id)
    stored = await TrackedIssueRepository(session).store(
        issue_id=issue.issue_id,
        workspace_id=issue.workspace_id,
        project_id=issue.project_id,
        state_group=issue.state_group,
        estimate_minutes=issue.estimate_minutes,
        deleted=issue.deleted_at is not None,
        sequence=sequence,
    )
    if not stored:
        return
    for milestone in await milestones.linking(issue.issue_id):
        before = milestone.progress
        await refresh_progress(session, milestone)
        if milestone.progress != before:
            await record_change(session, milestone, MilestoneUpdated, None)
