"""Which issue an entry may name: one of its project, known from the projection, or,
when the projection misses (the issue's event has not arrived yet), from the work-items
API asked once with the caller's token. The answer is stored through the same sequence
rule as events (its `version` as sequence), then the projection is read again."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.common.errors import not_found
from worksync.timetracking.issues.repository import IssueRepository, IssueState
from worksync.timetracking.issues.work_items_api import WorkItemsApi
from worksync.timetracking.models import Issue


class IssueLookup:
    def __init__(self, api: WorkItemsApi) -> None:
        self.api = api

    async def live_issue(
        self,
        session: AsyncSession,
        workspace: WorkspaceContext,
        project_id: UUID,
        issue_id: UUID,
    ) -> Issue:
        """The live issue `issue_id` of the project (404 `issue_not_found` otherwise)."""
        issues = IssueRepository(session)
        found = await issues.get(issue_id)
        if found is None or found.deleted:
            answer = await self.api.issue(
                workspace.membership.slug, project_id, issue_id, workspace.authorization
            )
            if answer is None:
                raise not_found("issue")
            state = IssueState(
                issue_id=answer.id,
                workspace_id=workspace.workspace_id,
                project_id=answer.project_id,
                key=answer.key,
                title=answer.title,
                estimate_minutes=answer.estimate_minutes,
                state_group=answer.state_group,
                deleted=answer.deleted_at is not None,
            )
            await issues.apply(state, sequence=answer.version)
            found = await issues.reread(issue_id)
        if (
            found is None
            or found.deleted
            or found.workspace_id != workspace.workspace_id
            or found.project_id != project_id
        ):
            raise not_found("issue")
        return found
