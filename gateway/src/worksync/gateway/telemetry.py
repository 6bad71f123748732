"""Tracing, only when an OTLP endpoint is configured (spans are not free on the hot path)."""

from __future__ import annotations

from opentelemetry import propagate
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from starlette.types import ASGIApp

from worksync.common.telemetry import configure_tracing
from worksync.gateway.app import GatewayApp
from worksync.gateway.config import GatewaySettings

TRACE_HEADERS = frozenset({b"traceparent", b"tracestate"})


def inject_trace_context(headers: list[tuple[bytes, bytes]]) -> None:
    """Replace the client's trace headers with the gateway span's own (a child of them)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if carrier:
        headers[:] = [(name, value) for name, value in headers if name not in TRACE_HEADERS]
        headers.extend((name.encode(), value.encode()) for name, value in carrier.items())


def instrument(gateway: GatewayApp, settings: GatewaySettings) -> ASGIApp:
    provider = configure_tracing(settings)
    gateway.inject_trace_context = inject_trace_context
    app: ASGIApp = OpenTelemetryMiddleware(
        gateway, excluded_urls="livez,readyz", tracer_provider=provider
    )
    return app
