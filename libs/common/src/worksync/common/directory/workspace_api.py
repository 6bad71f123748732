"""The workspace service's public API, as the directory's fallback reads it.

Calls carry the caller's own `Authorization` header, so the workspace service answers
exactly what that caller may see. 200 is an answer, 404 is "no"; anything else (a network
error, a timeout, a 5xx, an unexpected status or body) makes the directory unavailable.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import TypeVar
from urllib.parse import quote
from uuid import UUID

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from worksync.common.directory.roles import ProjectRole, WorkspaceRole
from worksync.common.errors import AppError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
RETRY_AFTER_SECONDS = 1


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
    """`GET /workspaces/{slug}/members/{user_id}`: any live member, as the caller sees them."""

    workspace_id: UUID
    user_id: UUID
    role: WorkspaceRole
    email: str | None = None
    display_name: str | None = None
    version: int


class ProjectAnswer(_Answer):
    """`GET /workspaces/{slug}/projects/{project_id}`"""

    id: UUID
    workspace_id: UUID
    identifier: str
    name: str
    status: str
    is_time_tracking_enabled: bool
    archived_at: datetime | None
    currency: str | None = None
    default_hourly_rate: Decimal | None = None
    budget_amount: Decimal | None = None
    budget_hours: Decimal | None = None
    version: int


class ProjectMemberAnswer(_Answer):
    """`GET /workspaces/{slug}/projects/{project_id}/members/{user_id}`"""

    project_id: UUID
    user_id: UUID
    role: ProjectRole
    hourly_rate: Decimal | None
    version: int


AnswerT = TypeVar("AnswerT", bound=_Answer)


class WorkspaceApi:
    def __init__(
        self, client: httpx.AsyncClient, base_url: str, *, timeout_seconds: float = 5.0
    ) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout_seconds

    async def membership(self, slug: str, authorization: str) -> MemberAnswer | None:
        return await self._get(MemberAnswer, authorization, "workspaces", slug, "members", "me")

    async def member(
        self, slug: str, user_id: UUID, authorization: str
    ) -> WorkspaceMemberAnswer | None:
        return await self._get(
            WorkspaceMemberAnswer, authorization, "workspaces", slug, "members", str(user_id)
        )

    async def project(
        self, slug: str, project_id: UUID, authorization: str
    ) -> ProjectAnswer | None:
        return await self._get(
            ProjectAnswer, authorization, "workspaces", slug, "projects", str(project_id)
        )

    async def project_member(
        self, slug: str, project_id: UUID, user_id: UUID, authorization: str
    ) -> ProjectMemberAnswer | None:
        return await self._get(
            ProjectMemberAnswer,
            authorization,
            "workspaces",
            slug,
            "projects",
            str(project_id),
            "members",
            str(user_id),
        )

    async def _get(
        self, model: type[AnswerT], authorization: str, *segments: str
    ) -> AnswerT | None:
        # Every segment is quoted: a slug from a request path must not walk to another route.
        path = "/".join(quote(segment, safe="") for segment in segments)
        url = f"{self._base_url}{API_PREFIX}/{path}"
        try:
            response = await self._client.get(
                url, headers={"Authorization": authorization}, timeout=self._timeout
            )
        except httpx.HTTPError as exc:
            logger.warning("directory fallback: GET %s failed: %r", url, exc)
            raise DirectoryUnavailable() from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            logger.warning("directory fallback: GET %s answered %d", url, response.status_code)
            raise DirectoryUnavailable()
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            logger.warning("directory fallback: GET %s answered an unexpected body: %s", url, exc)
            raise DirectoryUnavailable() from exc
