"""The work-items service's public API, as the issue look-up falls back to it.

Calls carry the caller's own `Authorization` header. 200 is an answer, 404 is "no";
anything else (a network error, a timeout, a 5xx, an unexpected body) makes it unavailable.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import quote
from uuid import UUID

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from worksync.timetracking.errors import WorkItemsUnavailable

logger = logging.getLogger(__name__)


class IssueAnswer(BaseModel):
    """`GET /api/v1/workspaces/{ws}/projects/{pid}/issues/{iid}` (the fields read)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: UUID
    project_id: UUID
    key: str
    title: str
    estimate_minutes: int | None = None
    state_group: str | None = None
    deleted_at: datetime | None = None
    version: int


class WorkItemsApi:
    def __init__(
        self, client: httpx.AsyncClient, base_url: str, *, timeout_seconds: float = 5.0
    ) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout_seconds

    async def issue(
        self, slug: str, project_id: UUID, issue_id: UUID, authorization: str
    ) -> IssueAnswer | None:
        # The slug comes from a request path: quoted, so it cannot walk to another route.
        url = (
            f"{self._base_url}/api/v1/workspaces/{quote(slug, safe='')}"
            f"/projects/{project_id}/issues/{issue_id}"
        )
        try:
            response = await self._client.get(
                url, headers={"Authorization": authorization}, timeout=self._timeout
            )
        except httpx.HTTPError as exc:
            logger.warning("issue fallback: GET %s failed: %r", url, exc)
            raise WorkItemsUnavailable() from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            logger.warning("issue fallback: GET %s answered %d", url, response.status_code)
            raise WorkItemsUnavailable()
        try:
            return IssueAnswer.model_validate_json(response.content)
        except ValidationError as exc:
            logger.warning("issue fallback: GET %s answered an unexpected body: %s", url, exc)
            raise WorkItemsUnavailable() from exc
