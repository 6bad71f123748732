"""OpenTelemetry tracing and JSON logs that carry the current trace and span ids."""

from __future__ import annotations

import logging
import sys
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased
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


def configure_tracing(settings: CommonSettings) -> TracerProvider:
    """One tracer provider per process; spans are exported only when an endpoint is set."""
    global _configured_provider
    if _configured_provider is not None:
        return _configured_provider
    # Without an exporter nothing would ever read a recorded span: spans are still made (so
    # trace ids reach logs and `traceparent` headers) but not recorded, which costs little.
    exporting = bool(settings.otel_exporter_otlp_endpoint)
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.service_name}),
        sampler=ParentBased(ALWAYS_ON) if exporting else ALWAYS_OFF,
    )
    if settings.otel_exporter_otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(
            endpoint=settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
        )
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _instrument_sqlalchemy_engines()
    _configured_provider = provider
    return provider


def _instrument_sqlalchemy_engines() -> None:
    """Trace every engine created from now on (`worksync.common.db.create_engine`)."""
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # The instrumentation declares SQLAlchemy < 2.1; the engine events it hooks are unchanged
    # in 2.1 (tests/kit/test_telemetry.py proves spans are made), so the check is skipped.
    SQLAlchemyInstrumentor().instrument(skip_dep_check=True)


def instrument_fastapi(app: Any) -> None:
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls="livez,readyz")


def instrument_httpx_client(client: Any) -> None:
    """Trace one client's calls and carry `traceparent` on them; other clients (tests,
    libraries) are left alone."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client)
