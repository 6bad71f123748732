"""`/readyz`: ready when every enabled upstream's own `/readyz` answers 200."""

from __future__ import annotations

import asyncio
import json

from worksync.gateway.responses import problem_body
from worksync.gateway.upstream import Origin, UpstreamError, UpstreamPool, fetch


class ReadinessProbe:
    def __init__(self, upstreams: dict[str, Origin], timeout_seconds: float) -> None:
        self._upstreams = upstreams
        self._timeout = timeout_seconds

    async def _check(self, pool: UpstreamPool, origin: Origin) -> str:
        try:
            status, _ = await fetch(pool, origin, b"GET", b"/readyz", seconds=self._timeout)
        except (UpstreamError, TimeoutError) as exc:
            return f"error: {type(exc).__name__}"
        return "ok" if status == 200 else f"status {status}"

    async def check(self, pool: UpstreamPool) -> tuple[int, bytes]:
        """(status, body): 200 with each upstream's outcome, or a 503 problem listing them."""
        outcomes = await asyncio.gather(
            *(self._check(pool, origin) for origin in self._upstreams.values())
        )
        checks = dict(zip(self._upstreams, outcomes, strict=True))
        if all(outcome == "ok" for outcome in outcomes):
            return 200, json.dumps({"status": "ok", "checks": checks}).encode()
        return 503, problem_body(503, "An upstream is not ready", "not_ready", checks=checks)
