"""`…/issues/{iid}/comments`: threaded comments, their edits, deletion and reactions."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Response, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, VIEWER_ERRORS, ProjectViewer
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.work_items.comments.auth import ProjectCommenter
from worksync.work_items.comments.schemas import (
    Comment,
    CommentCreate,
    CommentUpdate,
    Emoji,
    ReactionCreate,
)
from worksync.work_items.dependencies import CommentServiceDep
from worksync.work_items.models import idempotency_keys

router = APIRouter(
    prefix="/workspaces/{ws}/projects/{pid}/issues/{iid}/comments", tags=["comments"]
)

IssueId = Annotated[UUID, Path(description="The issue's id")]
CommentId = Annotated[UUID, Path(description="The comment's id")]


@router.get(
    "",
    response_model=Page[Comment],
    responses={**VIEWER_ERRORS, **error_responses(400, 422)},
)
async def list_comments(
    iid: IssueId,
    context: ProjectViewer,
    service: CommentServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    thread: Annotated[
        UUID | None, Query(description="Only this thread (its first comment's id)")
    ] = None,
) -> Page[Comment]:
    """The issue's comments in thread order: each thread depth first, replies in the order
    they were written, threads oldest first."""
    items, next_cursor = await service.page(context, iid, thread, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Comment,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def create_comment(
    iid: IssueId,
    request: CommentCreate,
    context: ProjectCommenter,
    service: CommentServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Comment on an issue, or reply to a comment (project members and admins; guests
    where the project allows it)."""

    async def create() -> Comment:
        return await service.create(context, iid, request, now)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"comments.create:{iid}:{context.workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/{comment_id}",
    response_model=Comment,
    responses={**VIEWER_ERRORS, **error_responses(422)},
)
async def get_comment(
    iid: IssueId, comment_id: CommentId, context: ProjectViewer, service: CommentServiceDep
) -> Response:
    """One comment."""
    comment = await service.get(context, iid, comment_id)
    return encoded(comment, etag=comment.version)


@router.patch(
    "/{comment_id}",
    response_model=Comment,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def update_comment(
    iid: IssueId,
    comment_id: CommentId,
    request: CommentUpdate,
    context: ProjectCommenter,
    service: CommentServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> Response:
    """Edit one's own comment; a changed body marks it edited."""
    comment = await service.update(context, iid, comment_id, request, now, if_match)
    return encoded(comment, etag=comment.version)


@router.delete(
    "/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def delete_comment(
    iid: IssueId,
    comment_id: CommentId,
    context: ProjectCommenter,
    service: CommentServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> None:
    """Delete a comment (its author or a project admin); with replies it stays as a
    placeholder."""
    await service.delete(context, iid, comment_id, now, if_match)


@router.post(
    "/{comment_id}/reactions",
    response_model=Comment,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def add_reaction(
    iid: IssueId,
    comment_id: CommentId,
    request: ReactionCreate,
    context: ProjectCommenter,
    service: CommentServiceDep,
) -> Comment:
    """React with an emoji; once per user and emoji (again changes nothing)."""
    return await service.react(context, iid, comment_id, request.emoji)


@router.delete(
    "/{comment_id}/reactions/{emoji}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def remove_reaction(
    iid: IssueId,
    comment_id: CommentId,
    emoji: Annotated[Emoji, Path(description="The emoji to take back")],
    context: ProjectCommenter,
    service: CommentServiceDep,
) -> None:
    """Take one's reaction back (not having reacted so is no error)."""
    await service.unreact(context, iid, comment_id, emoji)
