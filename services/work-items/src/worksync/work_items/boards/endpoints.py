"""`…/boards`: kanban boards and their columns; `…/issues/{iid}/move`: a card's move."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory import (
    DIRECTORY_ERRORS,
    VIEWER_ERRORS,
    ProjectAdmin,
    ProjectMember,
    ProjectViewer,
)
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.work_items.boards.schemas import (
    Board,
    BoardCreate,
    BoardUpdate,
    BoardView,
    ColumnCreate,
    ColumnsReorder,
    ColumnUpdate,
    Move,
)
from worksync.work_items.dependencies import BoardServiceDep, MoveServiceDep
from worksync.work_items.issues.schemas import Issue
from worksync.work_items.models import idempotency_keys

router = APIRouter(prefix="/workspaces/{ws}/projects/{pid}", tags=["boards"])

BoardId = Annotated[UUID, Path(description="The board's id")]
ColumnId = Annotated[UUID, Path(description="The column's id")]
Params = Annotated[PageParams, Depends(page_params)]


@router.get(
    "/boards",
    response_model=Page[Board],
    responses={**VIEWER_ERRORS, **error_responses(400, 422)},
)
async def list_boards(
    context: ProjectViewer, service: BoardServiceDep, params: Params
) -> Page[Board]:
    """The project's boards by name, with their columns and card counts."""
    items, next_cursor = await service.page(context, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/boards",
    status_code=status.HTTP_201_CREATED,
    response_model=Board,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def create_board(
    request: BoardCreate,
    context: ProjectAdmin,
    service: BoardServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a board (project admins)."""

    async def create() -> Board:
        return await service.create(context, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"boards.create:{context.project.id}:{context.workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/boards/{board_id}",
    response_model=BoardView,
    responses={**VIEWER_ERRORS, **error_responses(422)},
)
async def get_board(
    board_id: BoardId, context: ProjectViewer, service: BoardServiceDep, params: Params
) -> Response:
    """The board: its columns, each with its count and first `limit` cards."""
    board = await service.view(context, board_id, params)
    return encoded(board, etag=board["version"])


@router.patch(
    "/boards/{board_id}",
    response_model=Board,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def update_board(
    board_id: BoardId,
    request: BoardUpdate,
    context: ProjectAdmin,
    service: BoardServiceDep,
    if_match: IfMatch,
) -> Response:
    """Rename a board or change its filter (project admins)."""
    board = await service.update(context, board_id, request, if_match)
    return encoded(board, etag=board.version)


@router.delete(
    "/boards/{board_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_board(
    board_id: BoardId, context: ProjectAdmin, service: BoardServiceDep, if_match: IfMatch
) -> None:
    """Delete a board (project admins); its issues stay."""
    await service.delete(context, board_id, if_match)


@router.get(
    "/boards/{board_id}/columns/{column_id}/cards",
    response_model=Page[Issue],
    responses={**VIEWER_ERRORS, **error_responses(400, 422)},
)
async def list_cards(
    board_id: BoardId,
    column_id: ColumnId,
    context: ProjectViewer,
    service: BoardServiceDep,
    params: Params,
) -> Response:
    """A column's cards in board order (the pages after the board's first)."""
    return encoded(await service.cards(context, board_id, column_id, params))


@router.post(
    "/boards/{board_id}/columns",
    status_code=status.HTTP_201_CREATED,
    response_model=Board,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def add_column(
    board_id: BoardId, request: ColumnCreate, context: ProjectAdmin, service: BoardServiceDep
) -> Board:
    """Add a column after the last one (project admins)."""
    return await service.add_column(context, board_id, request)


@router.patch(
    "/boards/{board_id}/columns/{column_id}",
    response_model=Board,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def update_column(
    board_id: BoardId,
    column_id: ColumnId,
    request: ColumnUpdate,
    context: ProjectAdmin,
    service: BoardServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change a column: name, colour, states, WIP limit, done flag (project admins); its
    precondition is the board's version."""
    board = await service.update_column(context, board_id, column_id, request, if_match)
    return encoded(board, etag=board.version)


@router.delete(
    "/boards/{board_id}/columns/{column_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_column(
    board_id: BoardId,
    column_id: ColumnId,
    context: ProjectAdmin,
    service: BoardServiceDep,
    if_match: IfMatch,
) -> None:
    """Remove a column (project admins); its issues keep their states; its precondition is
    the board's version."""
    await service.delete_column(context, board_id, column_id, if_match)


@router.post(
    "/boards/{board_id}/columns/reorder",
    response_model=Board,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def reorder_columns(
    board_id: BoardId, request: ColumnsReorder, context: ProjectAdmin, service: BoardServiceDep
) -> Board:
    """Put the board's columns in a new order (project admins)."""
    return await service.reorder(context, board_id, request)


@router.post(
    "/issues/{iid}/move",
    response_model=Issue,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def move_issue(
    iid: Annotated[UUID, Path(description="The issue's id")],
    request: Move,
    context: ProjectMember,
    service: MoveServiceDep,
    now: NowDep,
) -> Issue:
    """Move a card to a column or state, between two neighbours (project members)."""
    return await service.move(context, iid, request, now)
