"""`/workspaces/{ws}/invitations` (admins) and `/invitations/{token}` (the invitee)."""

from __future__ import annotations

import json
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, status
from fastapi.responses import JSONResponse

from worksync.common.auth import CurrentPrincipal
from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.workspace.access import WorkspaceAdmin
from worksync.workspace.dependencies import InvitationServiceDep
from worksync.workspace.invitations.schemas import (
    CreatedInvitation,
    Invitation,
    InvitationCreate,
    InvitationPreview,
)
from worksync.workspace.members.schemas import Member
from worksync.workspace.models import idempotency_keys

router = APIRouter(prefix="/workspaces/{ws}/invitations", tags=["invitations"])
public_router = APIRouter(prefix="/invitations", tags=["invitations"])

InvitationToken = Annotated[str, Path(max_length=100, description="The invitation link's secret")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CreatedInvitation,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_invitation(
    request: InvitationCreate,
    access: WorkspaceAdmin,
    service: InvitationServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Invite an email address (admins); the link's token is in this response only."""
    tokens: list[str] = []

    async def create() -> CreatedInvitation:
        created = await service.create(access, request, now)
        tokens.append(created.token)
        # What the idempotency record keeps (and a replay answers) has no token in it.
        return CreatedInvitation(**created.invitation.model_dump(), token=None)

    response = await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"invitations.create:{access.workspace_id}:{access.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )
    if not tokens:
        return response
    body = json.loads(bytes(response.body))
    return JSONResponse({**body, "token": tokens[0]}, status_code=status.HTTP_201_CREATED)


@router.get("", response_model=Page[Invitation], responses=error_responses(400, 401, 403, 404, 422))
async def list_invitations(
    access: WorkspaceAdmin,
    service: InvitationServiceDep,
    now: NowDep,
    params: Annotated[PageParams, Depends(page_params)],
) -> Page[Invitation]:
    """Pending invitations, oldest first (admins)."""
    items, next_cursor = await service.page_pending(access, now, params)
    return Page(items=items, next_cursor=next_cursor)


@router.delete(
    "/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def revoke_invitation(
    invitation_id: UUID, access: WorkspaceAdmin, service: InvitationServiceDep, now: NowDep
) -> None:
    """Revoke a pending invitation (admins)."""
    await service.revoke(access, invitation_id, now)


@public_router.get(
    "/{token}", response_model=InvitationPreview, responses=error_responses(404, 422)
)
async def preview_invitation(
    token: InvitationToken, service: InvitationServiceDep, now: NowDep
) -> InvitationPreview:
    """What an invitation offers, for its link's landing page; no sign-in needed."""
    return await service.preview(token, now)


@public_router.post(
    "/{token}/accept", response_model=Member, responses=error_responses(401, 403, 404, 409, 422)
)
async def accept_invitation(
    token: InvitationToken,
    principal: CurrentPrincipal,
    service: InvitationServiceDep,
    now: NowDep,
) -> Member:
    """Join the workspace; the caller must be signed in with the invited email address,
    verified (403 `email_not_verified` otherwise)."""
    return await service.accept(principal, token, now)
