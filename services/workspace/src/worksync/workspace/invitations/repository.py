"""SQL of invitations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, Row, func, select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.workspace.errors import InvitationPending
from worksync.workspace.models import Invitation, Membership, Workspace


def _open() -> ColumnElement[bool]:
    return Invitation.accepted_at.is_(None) & Invitation.revoked_at.is_(None)


def _pending(now: datetime) -> ColumnElement[bool]:
    return _open() & (Invitation.expires_at > now)


class InvitationRepository(Repository):
    # A racer sent an invitation to the same address.
    constraint_errors = {"uq_invitations_open_workspace_id_lower_email": InvitationPending}

    async def open_for_email(self, workspace_id: UUID, email: str) -> Invitation | None:
        """The invitation to `email` neither accepted nor revoked (perhaps expired), locked."""
        return await self.session.scalar(
            select(Invitation)
            .where(
                Invitation.workspace_id == workspace_id,
                func.lower(Invitation.email) == email.lower(),
                _open(),
            )
            .with_for_update()
        )

    async def get_pending(
        self, workspace_id: UUID, invitation_id: UUID, now: datetime
    ) -> Invitation | None:
        return await self.session.scalar(
            select(Invitation)
            .where(
                Invitation.workspace_id == workspace_id,
                Invitation.id == invitation_id,
                _pending(now),
            )
            .with_for_update()
        )

    async def page_pending(
        self, workspace_id: UUID, now: datetime, key: SortKey, params: PageParams
    ) -> Sequence[Invitation]:
        statement = select(Invitation).where(Invitation.workspace_id == workspace_id, _pending(now))
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def find_pending_by_digest(
        self, token_hash: bytes, now: datetime, *, for_update: bool = False
    ) -> Row[Invitation, Workspace, str] | None:
        """A pending invitation to a live workspace, with the workspace and inviter's name."""
        statement = (
            select(Invitation, Workspace, Membership.display_name)
            .join(Workspace, Workspace.id == Invitation.workspace_id)
            .join(
                Membership,
                (Membership.workspace_id == Invitation.workspace_id)
                & (Membership.user_id == Invitation.invited_by_id),
            )
            .where(
                Invitation.token_hash == token_hash,
                _pending(now),
                Workspace.deleted_at.is_(None),
            )
        )
        if for_update:
            statement = statement.with_for_update(of=Invitation)
        return (await self.session.execute(statement)).one_or_none()
