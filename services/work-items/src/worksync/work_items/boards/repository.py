"""SQL of boards, their columns and the states the columns show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Any, TypeVarTuple
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Select,
    Uuid,
    any_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from worksync.common.errors import Conflict, NameTaken, unknown_reference
from worksync.common.pagination import (
    PageParams,
    SortKey,
    apply_bound_keyset,
    apply_keyset,
    keyset_parameters,
)
from worksync.common.repository import Repository
from worksync.work_items.issues.repository import (
    ISSUE_ROWS,
    IssueWithReadModel,
    with_read_model,
)
from worksync.work_items.models import (
    Board,
    BoardColumn,
    BoardColumnState,
    Issue,
    IssueAssignee,
    IssueLabel,
    State,
)

Columns = TypeVarTuple("Columns")

BOARD_NAME = "uq_boards_project_id_lower_name"
COLUMN_NAME = "uq_board_columns_board_id_lower_name"
STATE_IN_ONE_COLUMN = "uq_board_column_states_board_id_state_id"
COLUMN_STATE_REFERENCE = "fk_board_column_states_project_id_state_id_states"
BOARD_LABEL_REFERENCE = "fk_boards_label_id_labels"


class StateInAnotherColumn(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "A state is in one column of a board at most", code="state_in_another_column"
        )


# Built once with bound values: every read of a board runs them, and building them cost
# more of its time than running them.
_BOARD = select(Board).where(
    Board.project_id == bindparam("project_id", type_=Uuid),
    Board.id == bindparam("board_id", type_=Uuid),
)
_COLUMNS_OF = (
    select(BoardColumn)
    .where(BoardColumn.board_id == any_(bindparam("board_ids", type_=ARRAY(Uuid))))
    .order_by(BoardColumn.board_id, BoardColumn.position)
)
_STATES_OF = (
    select(BoardColumnState.column_id, BoardColumnState.state_id)
    .join(State, State.id == BoardColumnState.state_id)
    .where(BoardColumnState.column_id == any_(bindparam("column_ids", type_=ARRAY(Uuid))))
    .order_by(BoardColumnState.column_id, State.position, State.id)
)


class BoardRepository(Repository):
    constraint_errors = {
        BOARD_NAME: lambda: NameTaken("board", where="in this project"),
        COLUMN_NAME: lambda: NameTaken("column", where="on this board"),
        STATE_IN_ONE_COLUMN: StateInAnotherColumn,
        COLUMN_STATE_REFERENCE: lambda: unknown_reference("state_ids", "state", where="here"),
        BOARD_LABEL_REFERENCE: lambda: unknown_reference("label_id", "label", where="here"),
    }

    def _board(self, project_id: UUID, board_id: UUID) -> Select[Board]:
        return select(Board).where(Board.project_id == project_id, Board.id == board_id)

    async def get(self, project_id: UUID, board_id: UUID) -> Board | None:
        return await self.session.scalar(_BOARD, {"project_id": project_id, "board_id": board_id})

    async def get_for_update(self, project_id: UUID, board_id: UUID) -> Board | None:
        return await self.lock_for_update(self._board(project_id, board_id))

    async def page(
        self, workspace_id: UUID, project_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[Board]:
        query = select(Board).where(
            Board.workspace_id == workspace_id, Board.project_id == project_id
        )
        return (await self.session.scalars(apply_keyset(query, key, params))).all()

    async def columns_of(self, board_ids: Collection[UUID]) -> dict[UUID, list[BoardColumn]]:
        found: defaultdict[UUID, list[BoardColumn]] = defaultdict(list)
        rows = await self.session.scalars(_COLUMNS_OF, {"board_ids": list(board_ids)})
        for column in rows:
            found[column.board_id].append(column)
        return found

    async def states_of(self, column_ids: Collection[UUID]) -> dict[UUID, list[UUID]]:
        """Each column's states, in the states' order."""
        found: defaultdict[UUID, list[UUID]] = defaultdict(list)
        rows = await self.read_rows(_STATES_OF, {"column_ids": list(column_ids)})
        for column_id, state_id in rows:
            found[column_id].append(state_id)
        return found

    async def set_states(self, column: BoardColumn, state_ids: Collection[UUID]) -> None:
        await self.execute(
            delete(BoardColumnState).where(
                BoardColumnState.column_id == column.id,
                BoardColumnState.state_id.not_in(state_ids),
            )
        )
        current = set(
            await self.session.scalars(
                select(BoardColumnState.state_id).where(BoardColumnState.column_id == column.id)
            )
        )
        added = [state_id for state_id in state_ids if state_id not in current]
        if added:
            await self.execute(
                insert(BoardColumnState).values(
                    [
                        {
                            "column_id": column.id,
                            "state_id": state_id,
                            "board_id": column.board_id,
                            "project_id": column.project_id,
                        }
                        for state_id in added
                    ]
                )
            )

    async def next_position(self, board_id: UUID) -> int:
        last = await self.session.scalar(
            select(func.max(BoardColumn.position)).where(BoardColumn.board_id == board_id)
        )
        return 0 if last is None else last + 1

    async def compact_positions(self, board_id: UUID, order: Sequence[UUID]) -> None:
        """Positions 0, 1, 2… in this order (the unique position is checked at commit)."""
        for position, column_id in enumerate(order):
            await self.execute(
                update(BoardColumn)
                .where(BoardColumn.board_id == board_id, BoardColumn.id == column_id)
                .values(position=position)
                .execution_options(synchronize_session="fetch")
            )

    async def columns_showing(
        self, project_id: UUID, state_id: UUID
    ) -> Sequence[tuple[BoardColumn, Board]]:
        """Every column of the project's boards that shows this state, with its board."""
        rows = await self.session.execute(
            select(BoardColumn, Board)
            .join(Board, Board.id == BoardColumn.board_id)
            .join(BoardColumnState, BoardColumnState.column_id == BoardColumn.id)
            .where(Board.project_id == project_id, BoardColumnState.state_id == state_id)
            .order_by(BoardColumn.id)
        )
        return [(column, board) for column, board in rows]

    async def column(self, project_id: UUID, column_id: UUID) -> BoardColumn | None:
        return await self.session.scalar(
            select(BoardColumn).where(
                BoardColumn.project_id == project_id, BoardColumn.id == column_id
            )
        )


def board_shows(board: Board, query: Select[*Columns]) -> Select[*Columns]:
    """The board's own filter (label, assignee) on a query of issues."""
    return _shown(query, board.label_id, board.assignee_id)


def _shown(
    query: Select[*Columns],
    label_id: UUID | ColumnElement[UUID] | None,
    assignee_id: UUID | ColumnElement[UUID] | None,
) -> Select[*Columns]:
    """Issues with the label and the assignee, when given (values, or bound parameters)."""
    if label_id is not None:
        query = query.where(
            exists().where(IssueLabel.issue_id == Issue.id, IssueLabel.label_id == label_id)
        )
    if assignee_id is not None:
        query = query.where(
            exists().where(IssueAssignee.issue_id == Issue.id, IssueAssignee.user_id == assignee_id)
        )
    return query


def _page(
    board: Board, state_ids: Collection[UUID], key: SortKey, params: PageParams
) -> Select[Any]:
    query = ISSUE_ROWS.where(
        Issue.workspace_id == board.workspace_id,
        Issue.project_id == board.project_id,
        Issue.deleted_at.is_(None),
        Issue.state_id.in_(state_ids),
    )
    return with_read_model(apply_keyset(board_shows(board, query), key, params))


@lru_cache(maxsize=256)
def _pages(
    columns: int, key: SortKey, *, by_label: bool, by_assignee: bool, after_cursor: bool
) -> Select[Any]:
    """A page of cards of each of `columns` columns side by side (`UNION ALL`), built once
    per shape with bound values: the board's `workspace_id`, `project_id`, `label_id` and
    `assignee_id`, each column's states (`states_0`, ...) and `keyset_parameters`. Building
    it costs more than running it."""
    label_id = bindparam("label_id", type_=Uuid) if by_label else None
    assignee_id = bindparam("assignee_id", type_=Uuid) if by_assignee else None
    pages = []
    for position in range(columns):
        query = ISSUE_ROWS.where(
            Issue.workspace_id == bindparam("workspace_id", type_=Uuid),
            Issue.project_id == bindparam("project_id", type_=Uuid),
            Issue.deleted_at.is_(None),
            Issue.state_id.in_(bindparam(f"states_{position}", expanding=True)),
        )
        query = _shown(query, label_id, assignee_id)
        pages.append(with_read_model(apply_bound_keyset(query, key, after_cursor=after_cursor)))
    cards = union_all(*pages).subquery("cards")
    order = [cards.c[column.key] for column in key.columns]
    return select(*cards.c).order_by(
        *(column.desc() if key.descending else column for column in order)
    )


@lru_cache(maxsize=8)
def _counts(*, by_label: bool, by_assignee: bool, excluding: bool) -> Select[UUID, int]:
    """`CardRepository.counts`, built once per shape with bound values: the board's
    `project_id`, `label_id` and `assignee_id`, the `state_ids` and the issue `excluding`."""
    query = select(Issue.state_id, func.count()).where(
        Issue.project_id == bindparam("project_id", type_=Uuid),
        Issue.deleted_at.is_(None),
        Issue.state_id == any_(bindparam("state_ids", type_=ARRAY(Uuid))),
    )
    if excluding:
        query = query.where(Issue.id != bindparam("excluding", type_=Uuid))
    query = _shown(
        query,
        bindparam("label_id", type_=Uuid) if by_label else None,
        bindparam("assignee_id", type_=Uuid) if by_assignee else None,
    )
    return query.group_by(Issue.state_id)


class CardRepository(Repository):
    async def counts(
        self, board: Board, state_ids: Collection[UUID], *, excluding: UUID | None = None
    ) -> dict[UUID, int]:
        """Live issues the board shows, per state, in one query."""
        query = _counts(
            by_label=board.label_id is not None,
            by_assignee=board.assignee_id is not None,
            excluding=excluding is not None,
        )
        parameters = {
            "project_id": board.project_id,
            "state_ids": list(state_ids),
            "label_id": board.label_id,
            "assignee_id": board.assignee_id,
            "excluding": excluding,
        }
        return {row[0]: row[1] for row in await self.read_rows(query, parameters)}

    async def shows(self, board: Board, issue_id: UUID) -> bool:
        query = board_shows(board, select(func.count()).where(Issue.id == issue_id))
        return bool(await self.session.scalar(query))

    async def page(
        self, board: Board, state_ids: Collection[UUID], key: SortKey, params: PageParams
    ) -> Sequence[IssueWithReadModel]:
        """A page of the board's cards (one more than asked, for the cursor), each with its
        read model's columns."""
        return await self.read_rows(_page(board, state_ids, key, params))

    async def pages(
        self,
        board: Board,
        columns_states: Sequence[Collection[UUID]],
        key: SortKey,
        params: PageParams,
    ) -> list[list[IssueWithReadModel]]:
        """`page` for each column (given by its states), in one statement: the columns'
        pages side by side (`UNION ALL`), each read by its own limit. A state is in one
        column of a board at most, so a card's state says whose page it is on."""
        if not columns_states:
            return []
        statement = _pages(
            len(columns_states),
            key,
            by_label=board.label_id is not None,
            by_assignee=board.assignee_id is not None,
            after_cursor=params.cursor is not None,
        )
        rows = await self.read_rows(
            statement,
            {
                "workspace_id": board.workspace_id,
                "project_id": board.project_id,
                "label_id": board.label_id,
                "assignee_id": board.assignee_id,
                **{
                    f"states_{position}": list(state_ids)
                    for position, state_ids in enumerate(columns_states)
                },
                **keyset_parameters(key, params),
            },
        )
        column_of = {
            state_id: position
            for position, state_ids in enumerate(columns_states)
            for state_id in state_ids
        }
        found: list[list[IssueWithReadModel]] = [[] for _ in columns_states]
        for row in rows:
            found[column_of[row.state_id]].append(row)
        return found

    async def successor(self, project_id: UUID, rank: str, moving: UUID) -> str | None:
        """The next rank after `rank` in the project, the moving card's own left out."""
        return await self.session.scalar(
            select(func.min(Issue.rank)).where(
                Issue.project_id == project_id, Issue.rank > rank, Issue.id != moving
            )
        )

    async def predecessor(self, project_id: UUID, rank: str, moving: UUID) -> str | None:
        return await self.session.scalar(
            select(func.max(Issue.rank)).where(
                Issue.project_id == project_id, Issue.rank < rank, Issue.id != moving
            )
        )
