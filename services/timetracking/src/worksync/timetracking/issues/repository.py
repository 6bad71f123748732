"""The issue projection: sequence-guarded upserts and the look-up."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Uuid, bindparam, select

from worksync.common.repository import Repository, orm_table
from worksync.timetracking.models import Issue


@dataclass(frozen=True)
class IssueState:
    issue_id: UUID
    workspace_id: UUID
    project_id: UUID
    key: str
    title: str
    estimate_minutes: int | None
    state_group: str | None
    deleted: bool


_ISSUES = orm_table(Issue)
# Built once with bound values: every worklog reads its issue.
_ISSUE = select(Issue).where(Issue.issue_id == bindparam("issue_id", type_=Uuid))


class IssueRepository(Repository):
    async def apply(self, state: IssueState, *, sequence: int) -> None:
        """Store the issue unless a newer (or the same) sequence is stored already."""
        await self.store_if_newer(
            _ISSUES, {**state.__dict__, "sequence": sequence}, key=("issue_id",)
        )

    async def get(self, issue_id: UUID) -> Issue | None:
        return await self.session.scalar(_ISSUE, {"issue_id": issue_id})

    async def reread(self, issue_id: UUID) -> Issue | None:
        """The issue as the projection holds it after an `apply`: flushed, read afresh."""
        await self.flush()
        found = await self.get(issue_id)
        if found is not None:
            await self.session.refresh(found)
        return found
