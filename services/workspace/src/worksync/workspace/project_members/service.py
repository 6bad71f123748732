"""Project members: who works on a project, in which role, at which rate.

Workspace owners and admins are project admins without a membership row; the list shows
explicit members only. Like workspace memberships, rows are revived, never deleted.
A member's rate is money the project's admins manage: shown to them and to the member
whose rate it is, null to everyone else.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import invalid_field, not_found, unknown_reference
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.roles import ProjectRole, WorkspaceRole
from worksync.workspace.access import ProjectAccess
from worksync.workspace.enums import ProjectMembershipSource
from worksync.workspace.errors import AlreadyProjectMember
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.messaging.published import (
    ProjectMemberAdded,
    ProjectMemberRemoved,
    ProjectMemberUpdated,
)
from worksync.workspace.messaging.recording import record_project_member
from worksync.workspace.models import Membership, Project, ProjectMembership
from worksync.workspace.project_members.repository import ProjectMemberRepository
from worksync.workspace.project_members.schemas import (
    ProjectMember,
    ProjectMemberCreate,
    ProjectMemberUpdate,
)

JOINED_FIRST = sort_key("joined_at", ProjectMembership.joined_at, ProjectMembership.id)


def sees_rate(access: ProjectAccess, membership: ProjectMembership) -> bool:
    """Project admins (workspace admins included) see every rate, a member their own."""
    return access.is_admin or membership.user_id == access.workspace.user_id


def refuse_guest_promotion(member: Membership, role: ProjectRole) -> None:
    if member.role == WorkspaceRole.GUEST and role != ProjectRole.GUEST:
        raise invalid_field("role", "workspace guests can only be project guests")


async def join_project(
    session: AsyncSession,
    project: Project,
    member: Membership,
    role: ProjectRole,
    hourly_rate: Decimal | None,
    *,
    now: datetime,
    actor_id: UUID | None,
    source: ProjectMembershipSource = ProjectMembershipSource.MANUAL,
) -> ProjectMembership | None:
    """Make a workspace member a project member; None if they are one already (one a
    racer made just now is refused as `AlreadyProjectMember`).

    `source` says who did: a removed membership revived takes the new source.
    """
    repository = ProjectMemberRepository(session)
    membership = await repository.get_for_update(project.id, member.user_id)
    if membership is not None and membership.removed_at is None:
        return None
    if membership is None:
        membership = ProjectMembership(
            workspace_id=project.workspace_id,
            project_id=project.id,
            user_id=member.user_id,
            role=role,
            source=source,
            hourly_rate=hourly_rate,
            joined_at=now,
        )
        await repository.add(membership)
    else:
        membership.role = role
        membership.source = source
        membership.hourly_rate = hourly_rate
        membership.joined_at = now
        membership.removed_at = None
    await record_project_member(session, membership, ProjectMemberAdded, actor_id=actor_id)
    await repository.flush()
    return membership


class ProjectMemberService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.project_members = ProjectMemberRepository(session)
        self.members = MemberRepository(session)

    async def page(
        self, access: ProjectAccess, role: ProjectRole | None, params: PageParams
    ) -> tuple[list[ProjectMember], str | None]:
        rows = await self.project_members.page(access.project.id, role, JOINED_FIRST, params)
        names = {row.ProjectMembership.id: (row.email, row.display_name) for row in rows}
        items, next_cursor = build_page(
            [row.ProjectMembership for row in rows], JOINED_FIRST, params
        )
        return [
            ProjectMember.of(item, *names[item.id], shows_rate=sees_rate(access, item))
            for item in items
        ], next_cursor

    async def get(self, access: ProjectAccess, user_id: UUID) -> ProjectMember:
        membership = await self.project_members.get_live(access.project.id, user_id)
        member = await self.members.get(access.workspace.workspace_id, user_id)
        if membership is None or member is None:
            raise not_found("project_member")
        return ProjectMember.with_member(
            membership, member, shows_rate=sees_rate(access, membership)
        )

    async def add(
        self, access: ProjectAccess, request: ProjectMemberCreate, now: datetime
    ) -> ProjectMember:
        member = await self.members.get_live(access.workspace.workspace_id, request.user_id)
        if member is None:
            raise unknown_reference("user_id", "member")
        refuse_guest_promotion(member, request.role)
        membership = await join_project(
            self.session,
            access.project,
            member,
            request.role,
            request.hourly_rate,
            now=now,
            actor_id=access.workspace.user_id,
        )
        if membership is None:
            raise AlreadyProjectMember()
        return ProjectMember.with_member(
            membership, member, shows_rate=sees_rate(access, membership)
        )

    async def update(
        self,
        access: ProjectAccess,
        user_id: UUID,
        request: ProjectMemberUpdate,
        if_match: EntityTags | None = None,
    ) -> ProjectMember:
        membership, member = await self._get_live_for_update(access, user_id)
        check_version(if_match, membership.version)
        before = (membership.role, membership.hourly_rate)
        if request.role is not None:
            refuse_guest_promotion(member, request.role)
            membership.role = request.role
        if "hourly_rate" in request.model_fields_set:
            membership.hourly_rate = request.hourly_rate
        if (membership.role, membership.hourly_rate) != before:
            await record_project_member(
                self.session, membership, ProjectMemberUpdated, actor_id=access.workspace.user_id
            )
            await self.project_members.flush()
        return ProjectMember.with_member(
            membership, member, shows_rate=sees_rate(access, membership)
        )

    async def remove(
        self,
        access: ProjectAccess,
        user_id: UUID,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> None:
        """Project admins remove members; a member may leave."""
        if user_id != access.workspace.user_id:
            access.require_admin()
        membership, _ = await self._get_live_for_update(access, user_id)
        check_version(if_match, membership.version)
        membership.removed_at = now
        await record_project_member(
            self.session, membership, ProjectMemberRemoved, actor_id=access.workspace.user_id
        )
        await self.project_members.flush()

    async def _get_live_for_update(
        self, access: ProjectAccess, user_id: UUID
    ) -> tuple[ProjectMembership, Membership]:
        membership = await self.project_members.get_for_update(access.project.id, user_id)
        member = await self.members.get(access.workspace.workspace_id, user_id)
        if membership is None or membership.removed_at is not None or member is None:
            raise not_found("project_member")
        return membership, member
