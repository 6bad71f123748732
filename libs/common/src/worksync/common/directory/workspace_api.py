"""The workspace service's public API, as the directory's fallback reads it (through
`PeerApi`: the caller's token, 404 is "no", any failure makes the directory unavailable).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import httpx
from pydantic import BaseModel, ConfigDict

from worksync.common.directory.events import RoundingRule
from worksync.common.errors import AppError
from worksync.common.peer_api import PeerApi
from worksync.common.roles import ProjectRole, ProjectVisibility, WorkspaceRole

RETRY_AFTER_SECONDS = 1
MEMBERS_PER_CALL = 100
"""How many users one `members?user_id=...` call names: the workspace API's page size."""


class DirectoryUnavailable(AppError):
    """Memberships could not be checked: the projection missed and the workspace API failed."""

    def __init__(
        self, detail: str = "Memberships cannot be checked right now; try again shortly"
    ) -> None:
        super().__init__(
            detail=detail,
            code="directory_unavailable",
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


class _Answer(BaseModel):
    # The workspace service may add fields; only these are read.
    model_config = ConfigDict(extra="ignore", frozen=True)


class MemberAnswer(_Answer):
    """`GET /workspaces/{slug}/members/me`"""

    workspace_id: UUID
    slug: str
    user_id: UUID
    role: WorkspaceRole
    version: int


class WorkspaceMemberAnswer(_Answer):
    """A live member, as the caller sees them in `GET /workspaces/{slug}/members`."""

    workspace_id: UUID
    user_id: UUID
    role: WorkspaceRole
    email: str | None = None
    display_name: str | None = None
    version: int


class WorkspaceMembersAnswer(_Answer):
    """`GET /workspaces/{slug}/members?user_id=...`: those named who are live members."""

    items: list[WorkspaceMemberAnswer]


class ProjectAnswer(_Answer):
    """`GET /workspaces/{slug}/projects/{project_id}`"""

    id: UUID
    workspace_id: UUID
    identifier: str
    name: str
    status: str
    is_time_tracking_enabled: bool
    visibility: ProjectVisibility = ProjectVisibility.PUBLIC
    archived_at: datetime | None
    currency: str | None = None
    default_hourly_rate: Decimal | None = None
    budget_amount: Decimal | None = None
    budget_hours: Decimal | None = None
    client_id: UUID | None = None
    rounding: RoundingRule | None = None
    version: int


class ProjectMemberAnswer(_Answer):
    """`GET /workspaces/{slug}/projects/{project_id}/members/{user_id}`"""

    project_id: UUID
    user_id: UUID
    role: ProjectRole
    hourly_rate: Decimal | None
    version: int


class WorkspaceApi:
    def __init__(
        self, client: httpx.AsyncClient, base_url: str, *, timeout_seconds: float = 5.0
    ) -> None:
        self._peer = PeerApi(
            client, base_url, unavailable=DirectoryUnavailable, timeout_seconds=timeout_seconds
        )

    async def membership(self, slug: str, authorization: str) -> MemberAnswer | None:
        return await self._peer.get(
            MemberAnswer, authorization, "workspaces", slug, "members", "me"
        )

    async def members(
        self, slug: str, user_ids: Sequence[UUID], authorization: str
    ) -> list[WorkspaceMemberAnswer] | None:
        """The live members among `user_ids` (at most `MEMBERS_PER_CALL`), in one call; None
        when the workspace is not found (for the caller)."""
        if len(user_ids) > MEMBERS_PER_CALL:
            raise ValueError(f"at most {MEMBERS_PER_CALL} users per call")
        answer = await self._peer.get(
            WorkspaceMembersAnswer,
            authorization,
            "workspaces",
            slug,
            "members",
            params={"user_id": [str(user_id) for user_id in user_ids], "limit": str(len(user_ids))},
        )
        return None if answer is None else answer.items

    async def project(
        self, slug: str, project_id: UUID, authorization: str
    ) -> ProjectAnswer | None:
        return await self._peer.get(
            ProjectAnswer, authorization, "workspaces", slug, "projects", str(project_id)
        )

    async def project_member(
        self, slug: str, project_id: UUID, user_id: UUID, authorization: str
    ) -> ProjectMemberAnswer | None:
        return await self._peer.get(
            ProjectMemberAnswer,
            authorization,
            "workspaces",
            slug,
            "projects",
            str(project_id),
            "members",
            str(user_id),
        )
