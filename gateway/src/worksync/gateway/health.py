"""`/readyz`: ready when every enabled upstream has a replica whose own `/readyz` answers
200 (each replica is asked; one of several down leaves the gateway ready, and the check
says so).

The outcome is kept for `cache_seconds` and concurrent callers share one check, so the
probe reaches the upstreams at most once per that interval however often it is called.
"""

from __future__ import annotations

import asyncio
import json
import time

from worksync.gateway.responses import problem_body
from worksync.gateway.upstream import Origin, UpstreamError, UpstreamGroup, UpstreamPool, fetch


class ReadinessProbe:
    def __init__(
        self, upstreams: dict[str, UpstreamGroup], timeout_seconds: float, cache_seconds: float
    ) -> None:
        self._upstreams = upstreams
        self._timeout = timeout_seconds
        self._cache_seconds = cache_seconds
        self._answer: tuple[int, bytes] | None = None
        self._answered_at = 0.0
        self._in_flight: asyncio.Future[tuple[int, bytes]] | None = None

    async def _check(self, pool: UpstreamPool, origin: Origin) -> str:
        try:
            status, _ = await fetch(pool, origin, b"GET", b"/readyz", seconds=self._timeout)
        except (UpstreamError, TimeoutError) as exc:
            return f"error: {type(exc).__name__}"
        return "ok" if status == 200 else f"status {status}"

    async def _check_group(self, pool: UpstreamPool, group: UpstreamGroup) -> tuple[bool, str]:
        """(whether a replica is ready, what to say)."""
        outcomes = await asyncio.gather(*(self._check(pool, origin) for origin in group.origins))
        if len(outcomes) == 1:
            return outcomes[0] == "ok", outcomes[0]
        ready = sum(outcome == "ok" for outcome in outcomes)
        if ready == len(outcomes):
            return True, "ok"
        said = "; ".join(
            f"{origin.host}:{origin.port} {outcome}"
            for origin, outcome in zip(group.origins, outcomes, strict=True)
        )
        return ready > 0, f"{ready} of {len(outcomes)} replicas ready: {said}"

    async def check(self, pool: UpstreamPool) -> tuple[int, bytes]:
        """(status, body): 200 with each upstream's outcome, or a 503 problem listing them."""
        if self._answer is not None and time.monotonic() - self._answered_at < self._cache_seconds:
            return self._answer
        if self._in_flight is None:
            # Shielded: a caller that goes away does not cancel the others' check.
            self._in_flight = asyncio.ensure_future(self._check_all(pool))
        return await asyncio.shield(self._in_flight)

    async def _check_all(self, pool: UpstreamPool) -> tuple[int, bytes]:
        try:
            outcomes = await asyncio.gather(
                *(self._check_group(pool, group) for group in self._upstreams.values())
            )
            checks = {name: said for name, (_, said) in zip(self._upstreams, outcomes, strict=True)}
            if all(ready for ready, _ in outcomes):
                answer = 200, json.dumps({"status": "ok", "checks": checks}).encode()
            else:
                answer = (
                    503,
                    problem_body(503, "An upstream is not ready", "not_ready", checks=checks),
                )
            self._answer, self._answered_at = answer, time.monotonic()
            return answer
        finally:
            self._in_flight = None
