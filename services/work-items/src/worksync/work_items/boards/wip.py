"""WIP limits: an issue entering a column that holds its limit is refused.

Every writer of an issue's state (a move, a PATCH) calls this under the project's rank lock,
so the count it reads includes every earlier change that committed.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext, ProjectRole
from worksync.common.errors import Conflict
from worksync.work_items.boards.repository import BoardRepository, CardRepository
from worksync.work_items.errors import NotAllowed
from worksync.work_items.models import Issue


class WipLimitReached(Conflict):
    def __init__(self, column: str, limit: int) -> None:
        super().__init__(
            f"Column {column!r} holds its limit of {limit} cards", code="wip_limit_reached"
        )


async def check_wip(
    session: AsyncSession,
    context: ProjectContext,
    issue: Issue,
    state_id: UUID,
    *,
    force: bool,
) -> None:
    """Refuse `issue` moving into `state_id` past the limit of any column (of any board that
    shows the issue) it enters; with `force`, a project admin passes (others get 403)."""
    boards, cards = BoardRepository(session), CardRepository(session)
    for column, board in await boards.columns_showing(context.project.id, state_id):
        if column.wip_limit is None:
            continue
        states = (await boards.states_of([column.id])).get(column.id, [])
        if issue.state_id in states or not await cards.shows(board, issue.id):
            continue
        held = sum((await cards.counts(board, states, excluding=issue.id)).values())
        if held < column.wip_limit:
            continue
        if not force:
            raise WipLimitReached(column.name, column.wip_limit)
        if context.project.role is not ProjectRole.ADMIN:
            raise NotAllowed("Only project admins may force a card past a WIP limit")
