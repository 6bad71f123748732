"""JSON log lines carry the service, the request id and the active trace."""

from __future__ import annotations

import io
import json
import logging

from opentelemetry import trace

from worksync.common.config import CommonSettings
from worksync.common.middleware import request_id_var
from worksync.common.telemetry import configure_logging, configure_tracing


def test_log_lines_are_json_with_trace_and_request_ids() -> None:
    settings = CommonSettings(service_name="kit-telemetry", log_json=True)
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        configure_tracing(settings)
        configure_logging(settings)
        stream = io.StringIO()
        handler = root.handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(stream)
        token = request_id_var.set("req-42")
        try:
            with trace.get_tracer("test").start_as_current_span("work") as span:
                logging.getLogger("kit").info("hello %s", "world")
                expected_trace = format(span.get_span_context().trace_id, "032x")
        finally:
            request_id_var.reset(token)
        line = json.loads(stream.getvalue().strip().splitlines()[-1])
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    assert line["message"] == "hello world"
    assert line["level"] == "INFO"
    assert line["service"] == "kit-telemetry"
    assert line["request_id"] == "req-42"
    assert line["trace_id"] == expected_trace


async def test_database_statements_are_traced(worksync_database_url: str) -> None:
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from sqlalchemy import text

    from worksync.common.db import create_engine

    provider = configure_tracing(CommonSettings(service_name="kit-telemetry"))
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    engine = create_engine(worksync_database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 42"))
    finally:
        await engine.dispose()
    statements = [
        (span.attributes or {}).get("db.statement") for span in exporter.get_finished_spans()
    ]
    assert "SELECT 42" in statements
