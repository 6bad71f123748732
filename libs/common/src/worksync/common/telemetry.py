"""OpenTelemetry tracing and JSON logs that carry the current trace and span ids.

Tracing follows the standard variables: `OTEL_EXPORTER_OTLP_ENDPOINT` (or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, used as is), `OTEL_SERVICE_NAME` and
`OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`,
`OTEL_TRACES_EXPORTER=none` and `OTEL_SDK_DISABLED=true`. The older
`WORKSYNC_OTEL_EXPORTER_OTLP_ENDPOINT` still works (and wins when set).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping
from typing import Any

from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from pythonjsonlogger.json import JsonFormatter

from worksync.common.config import CommonSettings
from worksync.common.middleware import RequestIdFilter


class TraceContextFilter(logging.Filter):
    """Adds `trace_id` and `span_id` of the active span to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = format(context.trace_id, "032x")
            record.span_id = format(context.span_id, "016x")
        return True


def configure_logging(settings: CommonSettings) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(TraceContextFilter())
    handler.addFilter(RequestIdFilter())
    if settings.log_json:
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}",
                style="{",
                rename_fields={"levelname": "level", "asctime": "time"},
                static_fields={"service": settings.service_name},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # uvicorn's own handlers would print a second, unstructured line.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # No access line per request: it costs on every call and the gateway can write one
    # (`GATEWAY_ACCESS_LOG`). uvicorn logs access whenever this logger has any handler,
    # its ancestors' included, so it must not propagate.
    access = logging.getLogger("uvicorn.access")
    access.handlers[:] = []
    access.propagate = False


_configured_provider: TracerProvider | None = None


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def traces_endpoint(settings: CommonSettings) -> str | None:
    """Where spans go (OTLP/HTTP), or None when they are not exported.

    `OTEL_TRACES_EXPORTER=none` or `OTEL_SDK_DISABLED=true` turn export off; a signal's own
    endpoint is used as is, a base endpoint gets `/v1/traces`, as the specification says.
    """
    if _env("OTEL_SDK_DISABLED").lower() == "true" or _env("OTEL_TRACES_EXPORTER") == "none":
        return None
    base = settings.otel_exporter_otlp_endpoint or None
    if base is None:
        traces = _env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        if traces:
            return traces
        base = _env("OTEL_EXPORTER_OTLP_ENDPOINT") or None
    return base.rstrip("/") + "/v1/traces" if base else None


def tracing_exported(settings: CommonSettings) -> bool:
    return traces_endpoint(settings) is not None


def build_tracer_provider(settings: CommonSettings) -> TracerProvider:
    """The provider `configure_tracing` installs: the service's resource (`OTEL_SERVICE_NAME`
    over `service_name`), the sampler of `OTEL_TRACES_SAMPLER` (by default parent-based,
    always on) and the OTLP exporter, when spans are exported."""
    endpoint = traces_endpoint(settings)
    attributes = {} if _env("OTEL_SERVICE_NAME") else {"service.name": settings.service_name}
    # Without an exporter nothing would ever read a recorded span: spans are still made (so
    # trace ids reach logs and `traceparent` headers) but not recorded, which costs little.
    # With one, `None` lets the SDK read OTEL_TRACES_SAMPLER (default parentbased_always_on).
    provider = TracerProvider(
        resource=Resource.create(attributes),
        sampler=None if endpoint else ALWAYS_OFF,
    )
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


def configure_tracing(settings: CommonSettings) -> TracerProvider:
    """One tracer provider per process (`build_tracer_provider`)."""
    global _configured_provider
    if _configured_provider is not None:
        return _configured_provider
    provider = build_tracer_provider(settings)
    trace.set_tracer_provider(provider)
    # A statement's span is a leaf: unexported, it would cost every statement its hooks
    # (about a third of a millisecond per event a consumer applies) and show nowhere.
    if tracing_exported(settings):
        _instrument_sqlalchemy_engines()
    _configured_provider = provider
    return provider


def _instrument_sqlalchemy_engines() -> None:
    """Trace every engine created from now on (`worksync.common.db.create_engine`)."""
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # The instrumentation declares SQLAlchemy < 2.1; the engine events it hooks are unchanged
    # in 2.1 (tests/kit/test_telemetry.py proves spans are made), so the check is skipped.
    SQLAlchemyInstrumentor().instrument(skip_dep_check=True)


_UNTRACED_PATHS = frozenset({"/livez", "/readyz", "/metrics"})


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in _UNTRACED_PATHS


def request_telemetry() -> TelemetryConfig:
    """FastAPI's own OpenTelemetry for a service app: one server span per request, named by
    its method and route, current while the request runs (so `traceparent` reaches peers
    and the outbox), on the global provider `configure_tracing` sets. Health probes and
    metrics scrapes make none; spans per dependency and serialisation are off (many spans a
    request, nothing the request's span lacks), and so are FastAPI's metrics and logs: the
    kit's Prometheus middleware counts requests and its JSON logs carry trace ids. FastAPI
    finds the route as it routes; the OpenTelemetry FastAPI instrumentation this replaces
    matched every route once more per request, a quarter of a 404's time."""
    return {
        "tracing": True,
        "operation_spans": False,
        "metrics": False,
        "logs": False,
        "exclude": _untraced,
    }


def instrument_httpx_client(client: Any) -> None:
    """Trace one client's calls and carry `traceparent` on them; other clients (tests,
    libraries) are left alone."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client)
