"""The monitoring port of a worker and of the gateway: `/metrics`, and for a worker `/livez`,
which fails when one of its loops stalls.

A worker serves no API, yet the platform must notice one whose relay or consumer hangs
(a query that never returns, a handler waiting forever). Each loop keeps a `Heartbeat`;
`/livez` answers 503 once one is older than the stall threshold, and the orchestrator
restarts the worker. The server runs in the worker's own event loop, so a blocked loop is
noticed too: the probe then gets no answer at all.

Deliberately tiny (one GET per connection, then close): it serves probes and scrapes only,
on a port that is never published.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from worksync.common.metrics import METRICS_PATH, exposition

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 5.0
MAX_REQUEST_HEAD_LINE = 8192
MAX_REQUEST_HEADERS = 100
LIVENESS_PATH = "/livez"
REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


class Heartbeat:
    """When a loop last went round, and since when its oldest unfinished piece of work
    (a handler's transaction) has been running: either growing old means it stalls."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last = clock()
        self._busy: dict[int, float] = {}
        self._next_token = 0

    def beat(self) -> None:
        self._last = self._clock()

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """Mark work that must finish within the stall threshold, however the loop beats."""
        token = self._next_token
        self._next_token += 1
        self._busy[token] = self._clock()
        try:
            yield
        finally:
            del self._busy[token]

    def age(self) -> float:
        """Seconds since the loop last beat, or since its oldest busy work began."""
        now = self._clock()
        return now - min([self._last, *self._busy.values()])


class HeartbeatCollector(Collector):
    """Each loop's heartbeat age, for alerts where nothing restarts a stalled worker
    (Compose) and to see a stall coming."""

    def __init__(self, service: str, heartbeats: Mapping[str, Heartbeat]) -> None:
        self._service = service
        self._heartbeats = dict(heartbeats)

    def collect(self) -> Iterable[Metric]:
        ages = GaugeMetricFamily(
            "worksync_worker_heartbeat_age_seconds",
            "Seconds since a worker loop last went round (or its oldest busy work began).",
            labels=["service", "loop"],
        )
        for name, heartbeat in self._heartbeats.items():
            ages.add_metric([self._service, name], heartbeat.age())
        yield ages


class MonitoringServer:
    """Serves `/metrics` from `registry` and, when `heartbeats` are given, `/livez`: 200 while
    every heartbeat is younger than `stall_seconds`, else 503 naming the stalled loops.

    `reuse_port` lets several server processes of one app (uvicorn workers) share the port;
    each scrape then reads one of them.
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        registry: CollectorRegistry,
        heartbeats: Mapping[str, Heartbeat] | None = None,
        stall_seconds: float = 120.0,
        reuse_port: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.registry = registry
        self.heartbeats = dict(heartbeats or {})
        self.stall_seconds = stall_seconds
        self.reuse_port = reuse_port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Listen; `port` is then the bound port (useful when 0 asked for any free one)."""
        self._server = await asyncio.start_server(
            self._serve,
            self.host,
            self.port,
            limit=MAX_REQUEST_HEAD_LINE,
            reuse_port=self.reuse_port or None,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        logger.info("monitoring on port %d", self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def run(self, stop: asyncio.Event) -> None:
        """As a worker component: serve until `stop` is set. Failing to listen (the port is
        taken) ends the worker, as a misconfiguration should."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.close()

    def liveness(self) -> tuple[int, dict[str, object]]:
        """(status, body) of `/livez`."""
        ages = {name: round(beat.age(), 3) for name, beat in self.heartbeats.items()}
        stalled = sorted(name for name, age in ages.items() if age > self.stall_seconds)
        body: dict[str, object] = {
            "status": "stalled" if stalled else "ok",
            "seconds_since_heartbeat": ages,
        }
        if stalled:
            body["stalled"] = stalled
        return (503 if stalled else 200), body

    def _respond(self, method: bytes, path: str) -> tuple[int, bytes, str]:
        if method not in (b"GET", b"HEAD"):
            return 405, b"", "text/plain"
        if path == METRICS_PATH:
            body, content_type = exposition(self.registry)
            return 200, body, content_type
        if path == LIVENESS_PATH and self.heartbeats:
            status, document = self.liveness()
            return status, json.dumps(document).encode(), "application/json"
        return 404, b"", "text/plain"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                request_line = await reader.readline()
                for _ in range(MAX_REQUEST_HEADERS):
                    if (await reader.readline()).strip() == b"":
                        break
            parts = request_line.split()
            if len(parts) != 3:
                return
            method, target = parts[0], parts[1].split(b"?", 1)[0].decode("latin-1")
            status, body, content_type = self._respond(method, target)
            head = (
                f"HTTP/1.1 {status} {REASONS[status]}\r\n"
                f"Content-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n"
            )
            writer.write(head.encode() + (b"" if method == b"HEAD" else body))
            await writer.drain()
        except (TimeoutError, ConnectionError, ValueError) as exc:
            logger.debug("monitoring request dropped: %r", exc)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
