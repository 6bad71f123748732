"""Prometheus metrics of the APIs, the workers and the gateway.

Each app or worker has a registry of its own rather than the library's global one, so that
several apps in one process (the tests) never share or clash over series. Every series
carries `service`, so that one query covers every service however Prometheus labels its
targets. Series are per process: a deployment runs one server process per container
(`WORKSYNC_WORKERS=1`, the default), and each is scraped on its own.

An API serves `/metrics` on its own port, left out of the OpenAPI document and never routed
by the gateway; a worker and the gateway serve it on their monitoring port
(`monitoring.MonitoringServer`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool
from starlette.convertors import PathConvertor
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METRICS_PATH = "/metrics"
# Requests that are no traffic: probes and scrapes would only dilute rates and latencies.
UNMEASURED_PATHS = frozenset({METRICS_PATH, "/livez", "/readyz"})
# A route label for requests that matched no route, so that scanners cannot mint series.
UNMATCHED_ROUTE = "unmatched"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
PUBLISH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0)
# Seconds from an event's recording to its handling: from milliseconds to a long outage.
EVENT_AGE_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 1800.0, 7200.0)


def new_registry() -> CollectorRegistry:
    """A registry with the process's own series (CPU, memory, file descriptors, GC)."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry


def exposition(registry: CollectorRegistry) -> tuple[bytes, str]:
    """The registry in Prometheus' text format, and its content type."""
    return generate_latest(registry), CONTENT_TYPE_LATEST


def method_label(method: str) -> str:
    return method if method in KNOWN_METHODS else "other"


def route_template(scope: Scope) -> str:
    """The template of the route that served the request, with the prefix it was included
    under: FastAPI keeps a route's own path (`/widgets/{widget_id}`) and matches the
    `include_router` prefix apart, and those prefixes are literal (`/api/v1`), so the
    request path's leading segments give it back."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED_ROUTE
    convertors = getattr(route, "param_convertors", {})
    if any(isinstance(convertor, PathConvertor) for convertor in convertors.values()):
        return path  # a parameter spanning segments: the prefix cannot be told apart
    segments = scope["path"].split("/")
    prefix_length = len(segments) - len(path.split("/"))
    return "/".join(segments[: prefix_length + 1]) + path if prefix_length > 0 else path


class HttpMetrics:
    """Requests by route template, method and status: rate, errors and duration in one
    histogram (`_count` is the rate, `status=~"5.."` the errors)."""

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self._service = service
        self._duration = Histogram(
            "http_server_request_duration_seconds",
            "Time to answer a request, by route template, method and status.",
            ["service", "method", "route", "status"],
            registry=registry,
            buckets=HTTP_BUCKETS,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self._duration.labels(self._service, method_label(method), route, str(status)).observe(
            seconds
        )


class PoolCollector(Collector):
    """Connections of each database pool, read at scrape time (nothing on the request path)."""

    def __init__(self, service: str, engines: Callable[[], Mapping[str, AsyncEngine]]) -> None:
        self._service = service
        self._engines = engines

    def collect(self) -> Iterable[Metric]:
        connections = GaugeMetricFamily(
            "worksync_db_pool_connections",
            "Pooled database connections, in use or idle.",
            labels=["service", "pool", "state"],
        )
        capacity = GaugeMetricFamily(
            "worksync_db_pool_max_connections",
            "Connections a pool may hold (it has no overflow).",
            labels=["service", "pool"],
        )
        for name, engine in self._engines().items():
            pool = engine.pool
            if not isinstance(pool, QueuePool):
                continue
            connections.add_metric([self._service, name, "in_use"], pool.checkedout())
            connections.add_metric([self._service, name, "idle"], pool.checkedin())
            capacity.add_metric([self._service, name], pool.size())
        yield connections
        yield capacity


class HttpMetricsMiddleware:
    """Times every request but probes and scrapes; the route label is the template the
    router matched (`/api/v1/workspaces/{workspace_id}`), never the raw path."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNMEASURED_PATHS:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            self.metrics.observe(
                scope["method"], route_template(scope), status, time.perf_counter() - started
            )


metrics_router = APIRouter()


@metrics_router.get(METRICS_PATH, include_in_schema=False)
async def metrics_endpoint(request: Request) -> Response:
    """Prometheus scrapes this; the gateway never routes it (`routes.RouteMatcher`)."""
    body, content_type = exposition(request.app.state.metrics_registry)
    return Response(body, media_type=content_type)


def install_metrics(app: FastAPI, service: str) -> None:
    """Request metrics, pool metrics and `/metrics` for a service app (whose lifespan puts
    its engine at `app.state.engine`)."""
    registry = new_registry()

    def engines() -> dict[str, AsyncEngine]:
        engine = getattr(app.state, "engine", None)
        return {"default": engine} if isinstance(engine, AsyncEngine) else {}

    registry.register(PoolCollector(service, engines))
    app.state.metrics_registry = registry
    app.add_middleware(HttpMetricsMiddleware, metrics=HttpMetrics(registry, service))
    app.include_router(metrics_router)


class WorkerMetrics:
    """What a worker's relay, consumer and backlog sampler record."""

    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.service = service
        self.registry = registry if registry is not None else new_registry()
        labels = ["service"]
        self.published = Counter(
            "worksync_relay_published_events_total",
            "Outbox events the broker confirmed.",
            labels,
            registry=self.registry,
        ).labels(service)
        self.publish_failures = Counter(
            "worksync_relay_publish_failures_total",
            "Publishes that failed (the event stays in the outbox and is retried).",
            labels,
            registry=self.registry,
        ).labels(service)
        self.publish_duration = Histogram(
            "worksync_relay_publish_duration_seconds",
            "Time from publishing an event to the broker's confirmation.",
            labels,
            registry=self.registry,
            buckets=PUBLISH_BUCKETS,
        ).labels(service)
        self.outbox_backlog = Gauge(
            "worksync_outbox_unpublished_events",
            "Outbox events not yet published (sampled).",
            labels,
            registry=self.registry,
        ).labels(service)
        self.outbox_oldest_age = Gauge(
            "worksync_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished outbox event, 0 when none (sampled).",
            labels,
            registry=self.registry,
        ).labels(service)
        self.consumed = Counter(
            "worksync_consumer_events_total",
            "Deliveries the consumer settled, by outcome: processed, duplicate, failed "
            "(the handler raised; retried until the delivery limit), rejected (to the dead "
            "queue at once) or released (given back to the broker).",
            ["service", "queue", "event_type", "outcome"],
            registry=self.registry,
        )
        self.handler_duration = Histogram(
            "worksync_consumer_handler_duration_seconds",
            "Time a handler's transaction took (inbox row, handler, commit).",
            ["service", "queue", "event_type"],
            registry=self.registry,
            buckets=HTTP_BUCKETS,
        )
        self.event_age = Histogram(
            "worksync_consumer_event_age_seconds",
            "Time from an event's recording to its handling: how far the service's "
            "projections lag behind the events' sources.",
            ["service", "queue", "event_type"],
            registry=self.registry,
            buckets=EVENT_AGE_BUCKETS,
        )
        self.queue_messages = Gauge(
            "worksync_queue_messages",
            "Messages waiting in the consumer's queue (sampled).",
            ["service", "queue"],
            registry=self.registry,
        )
        self.dead_letters = Gauge(
            "worksync_dead_letter_messages",
            "Messages in the consumer's dead-letter queue (sampled).",
            ["service", "queue"],
            registry=self.registry,
        )

    def consumer_outcome(self, queue: str, event_type: str, outcome: str) -> None:
        self.consumed.labels(self.service, queue, event_type, outcome).inc()
