"""Workspace members: joining, roles, leaving, and the rule that a workspace keeps an owner.

Changes that may take an owner away lock the workspace row first, so two owners demoting
each other at once cannot leave the workspace without one.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import not_found
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.roles import WorkspaceRole
from worksync.workspace.access import WorkspaceAccess
from worksync.workspace.department_grants.service import release_manager
from worksync.workspace.errors import AlreadyMember, LastOwner, OwnerRequired
from worksync.workspace.members.departure import end_membership
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.members.schemas import (
    Member,
    MemberCreate,
    MemberSelf,
    MemberSort,
    MemberUpdate,
)
from worksync.workspace.messaging.published import MemberAdded, MemberUpdated, WorkspaceUpdated
from worksync.workspace.messaging.recording import record_member, record_workspace
from worksync.workspace.models import Membership, Workspace
from worksync.workspace.projections import Profile, UserRepository
from worksync.workspace.workspaces.repository import WorkspaceRepository

logger = logging.getLogger(__name__)

SORT_KEYS = {
    MemberSort.DISPLAY_NAME: sort_key("display_name", Membership.display_name, Membership.id),
    MemberSort.JOINED_AT: sort_key("joined_at", Membership.joined_at, Membership.id),
    MemberSort.NEWEST_FIRST: sort_key("-joined_at", Membership.joined_at, Membership.id),
}


async def join_workspace(
    session: AsyncSession,
    workspace: Workspace,
    user_id: UUID,
    role: WorkspaceRole,
    profile: Profile,
    *,
    now: datetime,
    actor_id: UUID | None,
) -> Membership:
    """Make `user_id` a member: a new row, or the old one revived (its version goes on)."""
    members = MemberRepository(session)
    membership = await members.get(workspace.id, user_id, for_update=True)
    if membership is not None and membership.removed_at is None:
        raise AlreadyMember()
    if membership is None:
        membership = Membership(
            workspace_id=workspace.id,
            user_id=user_id,
            role=role,
            email=profile.email,
            display_name=profile.display_name,
            joined_at=now,
        )
        await members.add(membership)
    else:
        membership.role = role
        membership.email = profile.email
        membership.display_name = profile.display_name
        membership.joined_at = now
        membership.removed_at = None
    await record_member(session, membership, MemberAdded, actor_id=actor_id)
    await members.flush()
    return membership


async def hand_over_primary_ownership(
    session: AsyncSession, workspace: Workspace, *, actor_id: UUID | None
) -> None:
    """When the primary owner is no longer an owner, the longest-standing owner takes over."""
    members = MemberRepository(session)
    await members.flush()
    owners = await members.live_owners(workspace.id)
    if not owners or any(owner.user_id == workspace.owner_id for owner in owners):
        return
    workspace.owner_id = owners[0].user_id
    await record_workspace(session, workspace, WorkspaceUpdated, actor_id=actor_id)


async def leave_if_not_last_owner(
    session: AsyncSession, workspace_id: UUID, user_id: UUID, *, now: datetime
) -> None:
    """For deactivated users: end their membership unless the workspace would lose its last
    owner, in which case it stays (an admin of the platform has to sort that out)."""
    # The workspace first, then the membership: the order every owner change locks in.
    workspace = await WorkspaceRepository(session).get_for_update(workspace_id)
    members = MemberRepository(session)
    membership = await members.get_live(workspace_id, user_id, for_update=True)
    if membership is None:
        return
    if membership.role == WorkspaceRole.OWNER:
        owners = await members.live_owners(workspace_id)
        if len(owners) == 1:
            logger.warning(
                "deactivated user %s stays the last owner of workspace %s", user_id, workspace_id
            )
            return
    await end_membership(session, membership, now=now, actor_id=None)
    await hand_over_primary_ownership(session, workspace, actor_id=None)


async def refresh_member_profiles(session: AsyncSession, user_id: UUID, profile: Profile) -> None:
    """Copy a user's new email or name onto their memberships, announcing each change."""
    members = MemberRepository(session)
    for membership in await members.live_of_user(user_id, for_update=True):
        if (membership.email, membership.display_name) == (profile.email, profile.display_name):
            continue
        membership.email = profile.email
        membership.display_name = profile.display_name
        await record_member(session, membership, MemberUpdated, actor_id=None)
    await members.flush()


class MemberService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.members = MemberRepository(session)
        self.workspaces = WorkspaceRepository(session)

    async def page(
        self,
        access: WorkspaceAccess,
        role: WorkspaceRole | None,
        search: str | None,
        user_ids: list[UUID] | None,
        sort: MemberSort,
        params: PageParams,
    ) -> tuple[list[Member], str | None]:
        key = SORT_KEYS[sort]
        rows = await self.members.page(access.workspace_id, role, search, user_ids, key, params)
        items, next_cursor = build_page(rows, key, params)
        return [Member.of(row) for row in items], next_cursor

    @staticmethod
    def me(access: WorkspaceAccess) -> MemberSelf:
        return MemberSelf(
            workspace_id=access.workspace_id,
            slug=access.workspace.slug,
            user_id=access.user_id,
            role=access.role,
            version=access.membership.version,
        )

    async def get(self, access: WorkspaceAccess, user_id: UUID) -> Member:
        membership = await self.members.get_live(access.workspace_id, user_id)
        if membership is None:
            raise not_found("member")
        return Member.of(membership)

    async def add(self, access: WorkspaceAccess, request: MemberCreate, now: datetime) -> Member:
        if request.role == WorkspaceRole.OWNER and access.role != WorkspaceRole.OWNER:
            raise OwnerRequired()
        profile = await UserRepository(self.session).active_profile(request.user_id)
        if profile is None:
            raise not_found("user")
        membership = await join_workspace(
            self.session,
            access.workspace,
            request.user_id,
            request.role,
            profile,
            now=now,
            actor_id=access.user_id,
        )
        return Member.of(membership)

    async def update(
        self,
        access: WorkspaceAccess,
        user_id: UUID,
        request: MemberUpdate,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> Member:
        workspace = await self.workspaces.get_for_update(access.workspace_id)
        membership = await self._get_live_for_update(access, user_id)
        check_version(if_match, membership.version)
        if request.role == membership.role:
            return Member.of(membership)
        touches_ownership = WorkspaceRole.OWNER in (request.role, membership.role)
        if touches_ownership and access.role != WorkspaceRole.OWNER:
            raise OwnerRequired()
        if membership.role == WorkspaceRole.OWNER:
            await self._refuse_losing_last_owner(access.workspace_id)
        membership.role = request.role
        await record_member(self.session, membership, MemberUpdated, actor_id=access.user_id)
        await hand_over_primary_ownership(self.session, workspace, actor_id=access.user_id)
        if request.role == WorkspaceRole.GUEST:
            # Guests manage no departments (and auto-sync grants them nothing).
            await release_manager(
                self.session, access.workspace_id, user_id, now=now, actor_id=access.user_id
            )
        await self.members.flush()
        return Member.of(membership)

    async def remove(
        self,
        access: WorkspaceAccess,
        user_id: UUID,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> None:
        """Admins remove members (owners only by owners); anyone may leave."""
        leaving = user_id == access.user_id
        if not leaving:
            access.require(WorkspaceRole.ADMIN)
        workspace = await self.workspaces.get_for_update(access.workspace_id)
        membership = await self._get_live_for_update(access, user_id)
        check_version(if_match, membership.version)
        if membership.role == WorkspaceRole.OWNER:
            if not leaving and access.role != WorkspaceRole.OWNER:
                raise OwnerRequired()
            await self._refuse_losing_last_owner(access.workspace_id)
        await end_membership(self.session, membership, now=now, actor_id=access.user_id)
        await hand_over_primary_ownership(self.session, workspace, actor_id=access.user_id)

    async def _get_live_for_update(self, access: WorkspaceAccess, user_id: UUID) -> Membership:
        membership = await self.members.get_live(access.workspace_id, user_id, for_update=True)
        if membership is None:
            raise not_found("member")
        return membership

    async def _refuse_losing_last_owner(self, workspace_id: UUID) -> None:
        if len(await self.members.live_owners(workspace_id)) <= 1:
            raise LastOwner()
