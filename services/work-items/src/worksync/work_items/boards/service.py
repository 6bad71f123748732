"""Boards and their columns: project admins arrange them, anyone who sees the project reads
them. A board shows the project's live issues (those with its label, assigned to its
assignee, when it has them) in the columns that hold their states, in rank order.
Every change of a board or its columns records the board's event with the whole board.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import Directory, ProjectContext
from worksync.common.errors import invalid_field, not_found, unknown_reference
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, build_page, page_answer, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.responses import RowAnswer
from worksync.work_items.boards.repository import BoardRepository, CardRepository
from worksync.work_items.boards.schemas import (
    Board,
    BoardColumn,
    BoardCreate,
    BoardUpdate,
    BoardView,
    ColumnCreate,
    ColumnsReorder,
    ColumnUpdate,
    ColumnWithCards,
)
from worksync.work_items.enums import StateGroup
from worksync.work_items.issues.read_model import issue_answers
from worksync.work_items.issues.repository import IssueRepository, IssueWithReadModel
from worksync.work_items.messaging.published import (
    BoardCreated,
    BoardDeleted,
    BoardSnapshot,
    BoardUpdated,
)
from worksync.work_items.messaging.recording import record_board
from worksync.work_items.models import Board as BoardRow
from worksync.work_items.models import BoardColumn as ColumnRow
from worksync.work_items.models import Issue as IssueRow
from worksync.work_items.states.repository import StateRepository

BOARD_ORDER = sort_key("name", BoardRow.name, BoardRow.id)
CARD_ORDER = sort_key("rank", IssueRow.rank, IssueRow.id)
_COLUMN_ANSWER = RowAnswer(ColumnWithCards)
_BOARD_VIEW_ANSWER = RowAnswer(BoardView)


class BoardService:
    def __init__(self, session: AsyncSession, directory: Directory) -> None:
        self.session = session
        self.directory = directory
        self.boards = BoardRepository(session)
        self.card_rows = CardRepository(session)

    async def page(
        self, context: ProjectContext, params: PageParams
    ) -> tuple[list[Board], str | None]:
        project = context.project
        rows = await self.boards.page(project.workspace_id, project.id, BOARD_ORDER, params)
        items, next_cursor = build_page(rows, BOARD_ORDER, params)
        return [await self._read(board) for board in items], next_cursor

    async def view(
        self, context: ProjectContext, board_id: UUID, params: PageParams
    ) -> dict[str, Any]:
        """The `BoardView` answer: the board with the first page of cards of each column,
        built as `RowAnswer`s."""
        board = await self._board(context, board_id)
        read = await self._read(board)
        pages = await self.card_rows.pages(
            board, [column.state_ids for column in read.columns], CARD_ORDER, params
        )
        columns = []
        for column, rows in zip(read.columns, pages, strict=True):
            cards, next_cursor = self._page_of(context, rows, params)
            columns.append(
                _COLUMN_ANSWER(column.model_dump(), cards=cards, next_cursor=next_cursor)
            )
        return _BOARD_VIEW_ANSWER(read.model_dump(exclude={"columns"}), columns=columns)

    async def cards(
        self, context: ProjectContext, board_id: UUID, column_id: UUID, params: PageParams
    ) -> dict[str, Any]:
        """The `Page[Issue]` answer of a column's cards."""
        board = await self._board(context, board_id)
        column = await self._column(board, column_id)
        states = (await self.boards.states_of([column.id])).get(column.id, [])
        return page_answer(*await self._cards(context, board, states, params))

    async def create(self, context: ProjectContext, request: BoardCreate) -> Board:
        project = context.project
        await self._check_filter(context, request.label_id, request.assignee_id)
        board = BoardRow(
            id=new_id(),
            workspace_id=project.workspace_id,
            project_id=project.id,
            name=request.name,
            label_id=request.label_id,
            assignee_id=request.assignee_id,
            version=0,
        )
        await self.boards.add(board)
        columns = request.columns
        if columns is None:
            columns = [
                ColumnCreate(
                    name=state.name,
                    colour=state.colour,
                    state_ids=[state.id],
                    is_done=state.group == StateGroup.COMPLETED,
                )
                for state in await StateRepository(self.session).lock_all(project.id)
            ]
        for position, column in enumerate(columns):
            await self._add_column(context, board, column, position)
        return await self._changed(context, board, BoardCreated)

    async def update(
        self,
        context: ProjectContext,
        board_id: UUID,
        request: BoardUpdate,
        if_match: EntityTags | None = None,
    ) -> Board:
        board = await self._board(context, board_id, for_update=True)
        check_version(if_match, board.version)
        changes: dict[str, Any] = request.model_dump(exclude_unset=True)
        await self._check_filter(context, changes.get("label_id"), changes.get("assignee_id"))
        if all(getattr(board, name) == value for name, value in changes.items()):
            return await self._read(board)
        for name, value in changes.items():
            setattr(board, name, value)
        return await self._changed(context, board, BoardUpdated)

    async def delete(
        self, context: ProjectContext, board_id: UUID, if_match: EntityTags | None = None
    ) -> None:
        board = await self._board(context, board_id, for_update=True)
        check_version(if_match, board.version)
        await self._record(context, board, BoardDeleted)
        await self.boards.delete(board)

    async def add_column(
        self, context: ProjectContext, board_id: UUID, request: ColumnCreate
    ) -> Board:
        board = await self._board(context, board_id, for_update=True)
        await self._add_column(context, board, request, await self.boards.next_position(board.id))
        return await self._changed(context, board, BoardUpdated)

    async def update_column(
        self,
        context: ProjectContext,
        board_id: UUID,
        column_id: UUID,
        request: ColumnUpdate,
        if_match: EntityTags | None = None,
    ) -> Board:
        board = await self._board(context, board_id, for_update=True)
        check_version(if_match, board.version)
        column = await self._column(board, column_id)
        changes: dict[str, Any] = request.model_dump(exclude_unset=True, exclude={"state_ids"})
        before = (await self.boards.states_of([column.id])).get(column.id, [])
        states_changed = request.state_ids is not None and set(request.state_ids) != set(before)
        if not states_changed and all(
            getattr(column, name) == value for name, value in changes.items()
        ):
            return await self._read(board)
        for name, value in changes.items():
            setattr(column, name, value)
        if request.state_ids is not None and states_changed:
            await self._set_states(context, column, request.state_ids)
        await self.boards.flush()
        return await self._changed(context, board, BoardUpdated)

    async def delete_column(
        self,
        context: ProjectContext,
        board_id: UUID,
        column_id: UUID,
        if_match: EntityTags | None = None,
    ) -> None:
        board = await self._board(context, board_id, for_update=True)
        check_version(if_match, board.version)
        column = await self._column(board, column_id)
        await self.boards.delete(column)
        remaining = (await self.boards.columns_of([board.id])).get(board.id, [])
        await self.boards.compact_positions(board.id, [c.id for c in remaining])
        await self._changed(context, board, BoardUpdated)

    async def reorder(
        self, context: ProjectContext, board_id: UUID, request: ColumnsReorder
    ) -> Board:
        board = await self._board(context, board_id, for_update=True)
        current = (await self.boards.columns_of([board.id])).get(board.id, [])
        wanted = request.column_ids
        if len(set(wanted)) != len(wanted) or set(wanted) != {c.id for c in current}:
            raise invalid_field("column_ids", "must name every column of the board once")
        if wanted == [c.id for c in current]:
            return await self._read(board)
        await self.boards.compact_positions(board.id, wanted)
        return await self._changed(context, board, BoardUpdated)

    async def _add_column(
        self, context: ProjectContext, board: BoardRow, request: ColumnCreate, position: int
    ) -> None:
        column = ColumnRow(
            id=new_id(),
            board_id=board.id,
            project_id=board.project_id,
            name=request.name,
            position=position,
            colour=request.colour,
            wip_limit=request.wip_limit,
            is_done=request.is_done,
        )
        await self.boards.add(column)
        await self._set_states(context, column, request.state_ids)

    async def _set_states(
        self, context: ProjectContext, column: ColumnRow, state_ids: Sequence[UUID]
    ) -> None:
        wanted = list(dict.fromkeys(state_ids))
        states = StateRepository(self.session)
        for state_id in wanted:
            if await states.get(context.project.id, state_id) is None:
                raise unknown_reference("state_ids", "state", where="here")
        await self.boards.set_states(column, wanted)

    async def _check_filter(
        self, context: ProjectContext, label_id: UUID | None, assignee_id: UUID | None
    ) -> None:
        if label_id is not None and not await IssueRepository(self.session).labels_in_project(
            context.project.id, [label_id]
        ):
            raise unknown_reference("label_id", "label", where="here")
        if assignee_id is not None:
            workspace = context.workspace
            members = await self.directory.workspace_members(
                self.session, workspace.membership, [assignee_id], workspace.authorization
            )
            if assignee_id not in members:
                raise unknown_reference("assignee_id", "workspace member", where="here")

    async def _changed(
        self, context: ProjectContext, board: BoardRow, event: type[BoardSnapshot]
    ) -> Board:
        await self._record(context, board, event)
        await self.boards.flush()
        return await self._read(board)

    async def _record(
        self, context: ProjectContext, board: BoardRow, event: type[BoardSnapshot]
    ) -> None:
        await self.boards.flush()
        columns = (await self.boards.columns_of([board.id])).get(board.id, [])
        states = await self.boards.states_of([c.id for c in columns])
        await record_board(
            self.session,
            board,
            [(column, states.get(column.id, [])) for column in columns],
            event,
            actor_id=context.workspace.user_id,
        )

    async def _read(self, board: BoardRow) -> Board:
        columns = (await self.boards.columns_of([board.id])).get(board.id, [])
        states = await self.boards.states_of([c.id for c in columns])
        counts = await self.card_rows.counts(
            board, [state for column in columns for state in states.get(column.id, [])]
        )
        return Board(
            id=board.id,
            project_id=board.project_id,
            name=board.name,
            label_id=board.label_id,
            assignee_id=board.assignee_id,
            columns=[
                BoardColumn(
                    id=column.id,
                    name=column.name,
                    position=column.position,
                    colour=column.colour,
                    wip_limit=column.wip_limit,
                    is_done=column.is_done,
                    state_ids=states.get(column.id, []),
                    issue_count=sum(counts.get(s, 0) for s in states.get(column.id, [])),
                )
                for column in columns
            ],
            version=board.version,
            created_at=board.created_at,
            updated_at=board.updated_at,
        )

    async def _cards(
        self,
        context: ProjectContext,
        board: BoardRow,
        state_ids: Collection[UUID],
        params: PageParams,
    ) -> tuple[list[dict[str, Any]], str | None]:
        rows = await self.card_rows.page(board, state_ids, CARD_ORDER, params)
        return self._page_of(context, rows, params)

    @staticmethod
    def _page_of(
        context: ProjectContext, rows: Sequence[IssueWithReadModel], params: PageParams
    ) -> tuple[list[dict[str, Any]], str | None]:
        items, next_cursor = build_page(rows, CARD_ORDER, params)
        return issue_answers(items, context.project.identifier), next_cursor

    async def _board(
        self, context: ProjectContext, board_id: UUID, *, for_update: bool = False
    ) -> BoardRow:
        if for_update:
            board = await self.boards.get_for_update(context.project.id, board_id)
        else:
            board = await self.boards.get(context.project.id, board_id)
        if board is None:
            raise not_found("board")
        return board

    async def _column(self, board: BoardRow, column_id: UUID) -> ColumnRow:
        column = await self.boards.column(board.project_id, column_id)
        if column is None or column.board_id != board.id:
            raise not_found("column")
        return column
