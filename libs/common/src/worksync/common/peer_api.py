"""Another service's public API, asked on the caller's behalf when a projection has not
caught up yet (the membership directory asks workspace, time tracking asks work-items).

Calls carry the caller's own `Authorization` header, so the other service answers exactly
what that caller may see. 200 is an answer, 404 is "no"; anything else (a network error, a
timeout, a 5xx, an unexpected status or body) raises the error the caller names, a 503.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from worksync.common.errors import AppError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"

AnswerT = TypeVar("AnswerT", bound=BaseModel)


class PeerApi:
    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        *,
        unavailable: Callable[[], AppError],
        timeout_seconds: float = 5.0,
    ) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._unavailable = unavailable
        self._timeout = timeout_seconds

    async def get(
        self,
        model: type[AnswerT],
        authorization: str,
        *segments: str,
        params: Mapping[str, str | Sequence[str]] | None = None,
    ) -> AnswerT | None:
        """`GET /api/v1/<segments>?<params>` read as `model`; None when the peer answers 404."""
        # Every segment is quoted: a slug from a request path must not walk to another route.
        path = "/".join(quote(segment, safe="") for segment in segments)
        url = f"{self._base_url}{API_PREFIX}/{path}"
        try:
            response = await self._client.get(
                url,
                params=params,
                headers={"Authorization": authorization},
                timeout=self._timeout,
            )
        except httpx.HTTPError as exc:
            logger.warning("fallback: GET %s failed: %r", url, exc)
            raise self._unavailable() from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            logger.warning("fallback: GET %s answered %d", url, response.status_code)
            raise self._unavailable()
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            logger.warning("fallback: GET %s answered an unexpected body: %s", url, exc)
            raise self._unavailable() from exc
