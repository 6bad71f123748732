"""The work-items service's public API, as the issue look-up falls back to it (through
`PeerApi`: the caller's token, 404 is "no", any failure is 503 `work_items_unavailable`).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import httpx
from pydantic import BaseModel, ConfigDict

from worksync.common.peer_api import PeerApi
from worksync.timetracking.errors import WorkItemsUnavailable


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
        self._peer = PeerApi(
            client, base_url, unavailable=WorkItemsUnavailable, timeout_seconds=timeout_seconds
        )

    async def issue(
        self, slug: str, project_id: UUID, issue_id: UUID, authorization: str
    ) -> IssueAnswer | None:
        return await self._peer.get(
            IssueAnswer,
            authorization,
            "workspaces",
            slug,
            "projects",
            str(project_id),
            "issues",
            str(issue_id),
        )
