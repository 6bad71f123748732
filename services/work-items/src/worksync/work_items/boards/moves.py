"""Moving a card: to a column or a state, between two neighbours, within WIP limits.

Moves of a project take turns on its rank lock, so a WIP limit's count is read after every
earlier move committed: of concurrent moves into a column with one free slot exactly one
wins. A move into a column it was not in counts against that column's limit on every board
that shows the issue; past it the move is 409 `wip_limit_reached`, unless a project admin
forces it. The new rank lies right after `after_id` (or right before `before_id`) in the
whole project's order, so no other card ever shares it; ranks that grow too long are spread
out again, unseen. A state change records the issue's update event and the field in the
feed; every move records a `moved` entry.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext
from worksync.common.errors import invalid_field, not_found, unknown_reference
from worksync.work_items.activity.service import record_activity, record_changes, tracked_fields
from worksync.work_items.boards.rank_repository import RankRepository
from worksync.work_items.boards.ranks import MAX_LENGTH, between
from worksync.work_items.boards.repository import BoardRepository, CardRepository
from worksync.work_items.boards.schemas import Move
from worksync.work_items.boards.wip import check_wip
from worksync.work_items.enums import ActivityKind, StateGroup
from worksync.work_items.issues.read_model import IssueReadModel, load_read_model
from worksync.work_items.issues.repository import IssueRepository
from worksync.work_items.issues.schemas import Issue
from worksync.work_items.issues.service import completed_at
from worksync.work_items.messaging.published import IssueUpdated
from worksync.work_items.messaging.recording import record_issue
from worksync.work_items.models import Issue as IssueRow
from worksync.work_items.states.repository import StateRepository


class MoveService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.issues = IssueRepository(session)
        self.boards = BoardRepository(session)
        self.cards = CardRepository(session)
        self.ranks = RankRepository(session)

    async def move(
        self, context: ProjectContext, issue_id: UUID, request: Move, now: datetime
    ) -> Issue:
        project = context.project
        if not await self.issues.found(project.id, issue_id):
            raise not_found("issue")
        await self.ranks.lock(project.id)
        row = await self.issues.get_for_update(project.id, issue_id)
        if row is None:
            raise not_found("issue")
        before = await load_read_model(self.session, row, project.identifier)
        # Taken now: `before` reads the row, which changes below.
        fingerprint, tracked_before = before.fingerprint(), tracked_fields(before)
        state_id = await self._target_state(context, row, request)
        if state_id != row.state_id:
            await check_wip(self.session, context, row, state_id, force=request.force)
        row.rank = await self._rank(project.id, row.id, request)
        group = before.state_group
        if state_id != row.state_id:
            state = await StateRepository(self.session).get(project.id, state_id)
            assert state is not None
            group = StateGroup(state.group)
            row.state_id = state_id
            row.completed_at = completed_at(group, row.completed_at, now)
        after = IssueReadModel(
            row=row,
            key=before.key,
            state_group=group,
            assignee_ids=before.assignee_ids,
            label_ids=before.label_ids,
        )
        actor_id = context.workspace.user_id
        if after.fingerprint() != fingerprint:
            await record_issue(self.session, after, IssueUpdated, actor_id=actor_id)
        await record_changes(
            self.session, row, tracked_before, tracked_fields(after), actor_id, now
        )
        await record_activity(
            self.session,
            row,
            ActivityKind.MOVED,
            actor_id,
            now,
            new={
                "column_id": None if request.column_id is None else str(request.column_id),
                "state_id": str(state_id),
                "after_id": None if request.after_id is None else str(request.after_id),
                "before_id": None if request.before_id is None else str(request.before_id),
            },
        )
        await self.issues.flush()
        return after.read()

    async def _target_state(self, context: ProjectContext, row: IssueRow, request: Move) -> UUID:
        project_id = context.project.id
        if request.state_id is not None:
            if await StateRepository(self.session).get(project_id, request.state_id) is None:
                raise unknown_reference("state_id", "state", where="here")
            return request.state_id
        if request.column_id is not None:
            column = await self.boards.column(project_id, request.column_id)
            if column is None:
                raise unknown_reference("column_id", "column", where="here")
            states = (await self.boards.states_of([column.id])).get(column.id, [])
            if row.state_id in states:
                return row.state_id
            if not states:
                raise invalid_field("column_id", "the column shows no state")
            return states[0]
        return row.state_id

    async def _rank(self, project_id: UUID, issue_id: UUID, request: Move) -> str:
        if issue_id in (request.after_id, request.before_id):
            field = "after_id" if request.after_id == issue_id else "before_id"
            raise invalid_field(field, "a card is not its own neighbour")
        if request.after_id is None and request.before_id is None:
            return await self.ranks.next_rank(project_id)
        rank = await self._between(project_id, issue_id, request)
        if len(rank) > MAX_LENGTH:
            await self.ranks.rebalance(project_id)
            rank = await self._between(project_id, issue_id, request)
        return rank

    async def _between(self, project_id: UUID, issue_id: UUID, request: Move) -> str:
        """Right after `after_id` (or before `before_id`) in the project's order: between
        it and the card next to it, which may be on another column."""
        named = {n for n in (request.after_id, request.before_id) if n is not None}
        ranks = await self.ranks.ranks_of(project_id, named)
        for field, neighbour in (("after_id", request.after_id), ("before_id", request.before_id)):
            if neighbour is not None and neighbour not in ranks:
                raise unknown_reference(field, "issue", where="here")
        if request.after_id is not None:
            low = ranks[request.after_id]
            if request.before_id is not None and ranks[request.before_id] <= low:
                raise invalid_field("before_id", "must come after after_id")
            return between(low, await self.cards.successor(project_id, low, issue_id))
        assert request.before_id is not None
        high = ranks[request.before_id]
        return between(await self.cards.predecessor(project_id, high, issue_id), high)
