"""Authorisation from the directory: who is a member, with which role, of which project.

Answers come from the local projection, without a network call, whenever it holds a live
row. The fallback rule, for a projection that may lag the workspace service by the few
milliseconds an event takes:

- A look-up *misses* when the projection has no live row for it: no row at all, or a
  tombstone of a removed membership or project membership (it may have been re-added a
  moment ago; versions keep rising across removal and re-addition, so that is safe to
  ask). A live row never triggers the fallback, even when its role falls short.
- On a miss the directory asks the workspace API once, with the caller's token, and never
  retries. 200: the answer is stored through the same sequence rule as events (its
  `version` as sequence; a later event of the same or an older version changes nothing),
  and the directory then reads the projection again, so an answer older than a removal
  already applied still reads as removed. 404: not found. Anything else:
  `DirectoryUnavailable` (503 `directory_unavailable`).
- A request may name other users (an issue's assignees, whose time an admin records, whose
  capacity is planned): `workspace_member(s)` looks them up in the caller's workspace by
  the same rule, with the caller's token, asking only about the ids that miss, all in one
  call (`members?user_id=...`, up to 100 ids a call). A client that adds a member and
  names them a moment later is never refused.
- Final states never fall back: a deleted workspace or project, and a project of another
  workspace (projects do not move), are 404 at once.
- A project membership is only looked for when it decides the answer: for a guest (who sees
  only their projects), for a private project (seen only by its members) or when a project
  role is required; workspace owners and admins are project admins without one.
- Non-members get 404, never 403: they learn nothing about what exists; so does a member
  asking for a private project they do not belong to (the workspace API answers the same,
  so the answer does not depend on what the projection holds). A known member whose role
  falls short gets 403.

Writes go into the caller's session, so they commit with the request; a request that fails
rolls its fallback answer back, and the next one asks again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.auth import Principal
from worksync.common.directory import store
from worksync.common.directory.store import DirectoryMembership, StoredProject
from worksync.common.directory.tables import DirectoryTables
from worksync.common.directory.workspace_api import (
    MEMBERS_PER_CALL,
    ProjectAnswer,
    WorkspaceApi,
    WorkspaceMemberAnswer,
)
from worksync.common.errors import NotFound
from worksync.common.roles import (
    InsufficientRole,
    ProjectRole,
    ProjectVisibility,
    WorkspaceRole,
    effective_project_role,
    sees_project,
)


class WorkspaceNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Workspace not found", code="workspace_not_found")


class ProjectNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Project not found", code="project_not_found")


@dataclass(frozen=True)
class DirectoryProject:
    """A project the caller may see, and their effective role in it.

    `role` is None for a workspace member who sees the project without belonging to it
    (a public one).
    """

    id: UUID
    workspace_id: UUID
    identifier: str
    name: str
    status: str
    is_time_tracking_enabled: bool
    visibility: ProjectVisibility
    archived_at: datetime | None
    role: ProjectRole | None


def ensure_role(membership: DirectoryMembership, at_least: WorkspaceRole) -> DirectoryMembership:
    if not membership.role.at_least(at_least):
        raise InsufficientRole(at_least.value)
    return membership


class Directory:
    def __init__(
        self,
        tables: DirectoryTables,
        client: httpx.AsyncClient,
        workspace_api_url: str,
        *,
        timeout_seconds: float = 5.0,
    ) -> None:
        self.tables = tables
        self.api = WorkspaceApi(client, workspace_api_url, timeout_seconds=timeout_seconds)

    async def membership(
        self, session: AsyncSession, slug: str, principal: Principal, authorization: str
    ) -> DirectoryMembership:
        """The caller's membership of the workspace `slug`; 404 for anyone else."""
        found = await store.find_membership(
            session, self.tables, slug=slug, user_id=principal.user_id
        )
        if found is not None:
            return found
        answer = await self.api.membership(slug, authorization)
        if answer is None:
            raise WorkspaceNotFound()
        await store.claim_slug(
            session, self.tables, workspace_id=answer.workspace_id, slug=answer.slug
        )
        await store.apply_member(
            session,
            self.tables,
            {
                "workspace_id": answer.workspace_id,
                "user_id": answer.user_id,
                "role": answer.role.value,
                "removed": False,
            },
            sequence=answer.version,
        )
        found = await store.find_membership(
            session, self.tables, slug=slug, user_id=principal.user_id
        )
        if found is None:
            raise WorkspaceNotFound()
        return found

    async def membership_and_project(
        self,
        session: AsyncSession,
        slug: str,
        principal: Principal,
        authorization: str,
        project_id: UUID,
    ) -> tuple[DirectoryMembership, StoredProject | None]:
        """`membership`, with the project row as the projection holds it (None when it does
        not), read in the same statement: for a request that names a project, whose
        `project` look-up then takes it instead of reading it again."""
        found = await store.find_membership_and_project(
            session, self.tables, slug=slug, user_id=principal.user_id, project_id=project_id
        )
        if found is not None:
            return found
        return await self.membership(session, slug, principal, authorization), None

    async def workspace_member(
        self,
        session: AsyncSession,
        membership: DirectoryMembership,
        user_id: UUID,
        authorization: str,
    ) -> DirectoryMembership | None:
        """`user_id`'s live membership of the workspace of `membership` (the caller's), or
        None when they are no member: for a request that names another user."""
        found = await self.workspace_members(session, membership, [user_id], authorization)
        return found.get(user_id)

    async def workspace_members(
        self,
        session: AsyncSession,
        membership: DirectoryMembership,
        user_ids: Iterable[UUID],
        authorization: str,
    ) -> dict[UUID, DirectoryMembership]:
        """The live memberships, by user id, of those of `user_ids` who are members of the
        workspace of `membership` (the caller's); the others are left out. Only the ids the
        projection misses are asked about, together."""
        wanted = set(user_ids)
        workspace_id = membership.workspace_id
        found = await store.find_members(
            session, self.tables, workspace_id=workspace_id, user_ids=wanted
        )
        missing = wanted - found.keys()
        if missing:
            for answer in await self._ask_members(membership.slug, missing, authorization):
                await store.apply_member(
                    session, self.tables, _member_values(answer), sequence=answer.version
                )
            # Read again: an answer older than a removal already applied changed nothing.
            found |= await store.find_members(
                session, self.tables, workspace_id=workspace_id, user_ids=missing
            )
        return {
            user_id: DirectoryMembership(workspace_id, membership.slug, user_id, role)
            for user_id, role in found.items()
        }

    async def _ask_members(
        self, slug: str, user_ids: Iterable[UUID], authorization: str
    ) -> list[WorkspaceMemberAnswer]:
        """The workspace API's answers about `user_ids`, the live members among them, in one
        call per `MEMBERS_PER_CALL` ids (however many a request names, it costs the workspace
        service one query, not one per user); any failure makes the directory unavailable."""
        # Asked, and so answered and stored, in the order of the ids, so that two requests
        # storing the same members lock their rows in one order and never deadlock.
        ordered = sorted(user_ids)
        answers: list[WorkspaceMemberAnswer] = []
        for start in range(0, len(ordered), MEMBERS_PER_CALL):
            chunk = ordered[start : start + MEMBERS_PER_CALL]
            # None: the caller lost the workspace a moment ago; they see no one in it.
            answers += await self.api.members(slug, chunk, authorization) or []
        return sorted(answers, key=lambda answer: answer.user_id)

    async def require_role(
        self,
        session: AsyncSession,
        slug: str,
        principal: Principal,
        authorization: str,
        *,
        at_least: WorkspaceRole,
    ) -> DirectoryMembership:
        """The caller's membership, which must hold `at_least` (403 otherwise)."""
        membership = await self.membership(session, slug, principal, authorization)
        return ensure_role(membership, at_least)

    async def project(
        self,
        session: AsyncSession,
        membership: DirectoryMembership,
        project_id: UUID,
        authorization: str,
        *,
        at_least: ProjectRole | None = None,
        prefetched: StoredProject | None = None,
    ) -> DirectoryProject:
        """A project of the member's workspace that they may see (404 otherwise), with
        their effective role, which must hold `at_least` when given (403 otherwise).
        `prefetched`: the project's row as `membership_and_project` read it."""
        if prefetched is not None and prefetched.id == project_id:
            stored = prefetched
        else:
            stored = await self._stored_project(session, membership, project_id, authorization)
        if stored.deleted or stored.workspace_id != membership.workspace_id:
            raise ProjectNotFound()
        role = effective_project_role(membership.role, stored.member_role)
        membership_decides = (
            membership.role is WorkspaceRole.GUEST
            or stored.visibility is ProjectVisibility.PRIVATE
            or at_least is not None
        )
        if role is None and membership_decides:
            stored = await self._ask_project_member(session, membership, stored, authorization)
            role = effective_project_role(membership.role, stored.member_role)
        if not sees_project(membership.role, stored.visibility, stored.member_role):
            raise ProjectNotFound()
        if at_least is not None and (role is None or not role.at_least(at_least)):
            raise InsufficientRole(at_least.value)
        return DirectoryProject(
            id=stored.id,
            workspace_id=stored.workspace_id,
            identifier=stored.identifier,
            name=stored.name,
            status=stored.status,
            is_time_tracking_enabled=stored.is_time_tracking_enabled,
            visibility=stored.visibility,
            archived_at=stored.archived_at,
            role=role,
        )

    async def member_sees_project(
        self,
        session: AsyncSession,
        member: DirectoryMembership,
        project: DirectoryProject,
        authorization: str,
    ) -> bool:
        """Whether `member`, another user of the caller's workspace (as `workspace_member`
        found them), sees `project`, which the caller sees: for a request acting for them.
        Their project membership is asked for, by the caller's token, when it decides."""
        stored = await store.find_project(
            session, self.tables, project_id=project.id, user_id=member.user_id
        )
        if stored is None:  # the caller's look-up stored it in this very transaction
            raise ProjectNotFound()
        if sees_project(member.role, stored.visibility, stored.member_role):
            return True
        stored = await self._ask_project_member(session, member, stored, authorization)
        return sees_project(member.role, stored.visibility, stored.member_role)

    async def _stored_project(
        self,
        session: AsyncSession,
        membership: DirectoryMembership,
        project_id: UUID,
        authorization: str,
    ) -> StoredProject:
        found = await store.find_project(
            session, self.tables, project_id=project_id, user_id=membership.user_id
        )
        if found is not None:
            return found
        answer = await self.api.project(membership.slug, project_id, authorization)
        if answer is None:
            raise ProjectNotFound()
        # The API withholds money (budget, default rate) from callers who do not manage the
        # project: store its answer one sequence below, so the event of that version, which
        # carries everything, still applies.
        await store.apply_project(
            session, self.tables, _project_values(answer), sequence=answer.version - 1
        )
        found = await store.find_project(
            session, self.tables, project_id=project_id, user_id=membership.user_id
        )
        if found is None:
            raise ProjectNotFound()
        return found

    async def _ask_project_member(
        self,
        session: AsyncSession,
        membership: DirectoryMembership,
        stored: StoredProject,
        authorization: str,
    ) -> StoredProject:
        answer = await self.api.project_member(
            membership.slug, stored.id, membership.user_id, authorization
        )
        if answer is None:
            return stored
        await store.apply_project_member(
            session,
            self.tables,
            {
                "project_id": answer.project_id,
                "user_id": answer.user_id,
                "workspace_id": membership.workspace_id,
                "role": answer.role.value,
                "hourly_rate": answer.hourly_rate,
                "removed": False,
            },
            sequence=answer.version,
        )
        found = await store.find_project(
            session, self.tables, project_id=stored.id, user_id=membership.user_id
        )
        return stored if found is None else found


def _member_values(answer: WorkspaceMemberAnswer) -> dict[str, object]:
    values: dict[str, object] = {
        "workspace_id": answer.workspace_id,
        "user_id": answer.user_id,
        "role": answer.role.value,
        "removed": False,
    }
    # Set only when known, so that an answer never blanks what an event stored.
    if answer.email is not None:
        values["email"] = answer.email
    if answer.display_name is not None:
        values["display_name"] = answer.display_name
    return values


def _project_values(answer: ProjectAnswer) -> dict[str, object]:
    return {
        **answer.model_dump(exclude={"version"}),
        "visibility": answer.visibility.value,
        "deleted": False,
    }
