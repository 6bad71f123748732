"""Invitations: an admin invites an address; the user signed in with it accepts.

The token is 256 random bits, kept only as its SHA-256 digest, good until it expires,
is revoked, or is used once. Nothing mails it yet: the create response carries it once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.auth import Principal
from worksync.common.errors import not_found
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.roles import WorkspaceRole
from worksync.workspace.access import WorkspaceAccess
from worksync.workspace.errors import (
    AlreadyMember,
    EmailNotVerified,
    InvitationEmailMismatch,
    InvitationPending,
)
from worksync.workspace.invitations.repository import InvitationRepository
from worksync.workspace.invitations.schemas import (
    Invitation,
    InvitationCreate,
    InvitationPreview,
)
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.members.schemas import Member
from worksync.workspace.members.service import join_workspace
from worksync.workspace.models import Invitation as InvitationRow
from worksync.workspace.projections import UserRepository

TOKEN_BYTES = 32
OLDEST_FIRST = sort_key("created_at", InvitationRow.created_at, InvitationRow.id)


def token_digest(token: str) -> bytes:
    """256 random bits need no slow hash: the digest cannot be turned back into the token."""
    return hashlib.sha256(token.encode()).digest()


def mask_email(email: str) -> str:
    """`ada@example.com` -> `a***@example.com`: enough to recognise, not to harvest."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str


class InvitationService:
    def __init__(self, session: AsyncSession, ttl: timedelta) -> None:
        self.session = session
        self.ttl = ttl
        self.invitations = InvitationRepository(session)

    async def create(
        self, access: WorkspaceAccess, request: InvitationCreate, now: datetime
    ) -> NewInvitation:
        members = MemberRepository(self.session)
        if await members.live_with_email(access.workspace_id, request.email) is not None:
            raise AlreadyMember()
        open_invitation = await self.invitations.open_for_email(access.workspace_id, request.email)
        if open_invitation is not None:
            if open_invitation.expires_at > now:
                raise InvitationPending()
            # An expired invitation makes way for its successor.
            open_invitation.revoked_at = now
            await self.invitations.flush()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invitation = InvitationRow(
            workspace_id=access.workspace_id,
            email=request.email,
            role=request.role,
            token_hash=token_digest(token),
            invited_by_id=access.user_id,
            created_at=now,
            expires_at=now + self.ttl,
        )
        await self.invitations.add(invitation)
        return NewInvitation(Invitation.of(invitation), token)

    async def page_pending(
        self, access: WorkspaceAccess, now: datetime, params: PageParams
    ) -> tuple[list[Invitation], str | None]:
        rows = await self.invitations.page_pending(access.workspace_id, now, OLDEST_FIRST, params)
        items, next_cursor = build_page(rows, OLDEST_FIRST, params)
        return [Invitation.of(row) for row in items], next_cursor

    async def revoke(self, access: WorkspaceAccess, invitation_id: UUID, now: datetime) -> None:
        invitation = await self.invitations.get_pending(access.workspace_id, invitation_id, now)
        if invitation is None:
            raise not_found("invitation")
        invitation.revoked_at = now
        await self.invitations.flush()

    async def preview(self, token: str, now: datetime) -> InvitationPreview:
        found = await self.invitations.find_pending_by_digest(token_digest(token), now)
        if found is None:
            raise not_found("invitation")
        invitation, workspace, inviter_name = found
        return InvitationPreview(
            workspace_name=workspace.name,
            workspace_slug=workspace.slug,
            inviter_name=inviter_name,
            role=invitation.role,
            email=mask_email(invitation.email),
            expires_at=invitation.expires_at,
        )

    async def accept(self, principal: Principal, token: str, now: datetime) -> Member:
        """Join as the invitation says, if the caller's token carries the invited address,
        verified: anyone may register an address at identity, only its owner verifies it."""
        found = await self.invitations.find_pending_by_digest(
            token_digest(token), now, for_update=True
        )
        if found is None:
            raise not_found("invitation")
        invitation, workspace, _ = found
        if invitation.email.lower() != principal.email.lower():
            raise InvitationEmailMismatch()
        if not principal.email_verified:
            raise EmailNotVerified()
        membership = await join_workspace(
            self.session,
            workspace,
            principal.user_id,
            WorkspaceRole(invitation.role),
            await UserRepository(self.session).caller_profile(principal),
            now=now,
            actor_id=principal.user_id,
        )
        invitation.accepted_at = now
        invitation.accepted_by_id = principal.user_id
        await self.invitations.flush()
        return Member.of(membership)
