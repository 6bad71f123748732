"""The issue projection: sequence-guarded upserts and the look-up."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Uuid, bindparam, select
from sqlalchemy.dialects.postgresql import insert

from worksync.common.repository import Repository
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


# Built once with bound values: every worklog reads its issue.
_ISSUE = select(Issue).where(Issue.issue_id == bindparam("issue_id", type_=Uuid))


class IssueRepository(Repository):
    async def apply(self, state: IssueState, *, sequence: int) -> None:
        """Store the issue unless a newer (or the same) sequence is stored already."""
        values = {**state.__dict__, "sequence": sequence}
        statement = insert(Issue).values(values)
        await self.execute(
            statement.on_conflict_do_update(
                index_elements=[Issue.issue_id],
                set_={name: statement.excluded[name] for name in values if name != "issue_id"},
                where=Issue.sequence < statement.excluded.sequence,
            )
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
