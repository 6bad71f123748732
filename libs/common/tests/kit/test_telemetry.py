"""JSON log lines carry the service, the request id and the active trace."""

from __future__ import annotations

import io
import json
import logging
import os

from opentelemetry import trace

from worksync.common.config import CommonSettings
from worksync.common.middleware import request_id_var
from worksync.common.telemetry import configure_logging, configure_tracing
from worksync.common.testing.own_process import run_script


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


TRACED_QUERY_SCRIPT = """
import asyncio, json, os, sys
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text
from worksync.common.config import CommonSettings
from worksync.common.db import create_engine
from worksync.common.telemetry import configure_tracing

settings = CommonSettings(service_name="kit-telemetry", otel_exporter_otlp_endpoint=sys.argv[2])
exporter = InMemorySpanExporter()
configure_tracing(settings).add_span_processor(SimpleSpanProcessor(exporter))

async def main() -> None:
    engine = create_engine(sys.argv[1])
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 42"))
    await engine.dispose()

asyncio.run(main())
print(json.dumps([(s.attributes or {}).get("db.statement") for s in exporter.get_finished_spans()]))
sys.stdout.flush()
os._exit(0)  # skip the exporter's retries against the closed collector at shutdown
"""


def test_database_statements_are_traced_when_exporting(worksync_database_url: str) -> None:
    # Tracing is configured once per process, so this runs in a process of its own. The
    # collector address is closed: export fails quietly, the in-memory copy is what we read.
    output = run_script(TRACED_QUERY_SCRIPT, worksync_database_url, "http://127.0.0.1:9")
    statements = json.loads(output[-1])
    assert "SELECT 42" in statements


TRACED_REQUEST_SCRIPT = """
import asyncio, json, os, sys
import httpx
from fastapi import APIRouter
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from worksync.common.app import create_service_app
from worksync.common.config import CommonSettings
from worksync.common.telemetry import configure_tracing

settings = CommonSettings(service_name="kit-telemetry", otel_exporter_otlp_endpoint=sys.argv[1])
exporter = InMemorySpanExporter()
configure_tracing(settings).add_span_processor(SimpleSpanProcessor(exporter))
router = APIRouter()

@router.get("/things/{thing_id}")
async def get_thing(thing_id: int) -> dict[str, str]:
    # What a peer call or an outbox row made here would carry as its parent.
    return {"trace_id": format(trace.get_current_span().get_span_context().trace_id, "032x")}

app = create_service_app(settings, title="t", description="d", routers=[router])

async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        answer = await client.get("/api/v1/things/7", headers={"traceparent": PARENT})
        (await client.get("/livez")).raise_for_status()
    print(json.dumps(answer.json()["trace_id"]))

PARENT = "00-" + "ab" * 16 + "-" + "cd" * 8 + "-01"
asyncio.run(main())
print(json.dumps([[s.name, s.kind.name] for s in exporter.get_finished_spans()]))
sys.stdout.flush()
os._exit(0)
"""


def test_a_request_is_one_server_span_named_by_its_route_continuing_the_callers_trace() -> None:
    output = run_script(TRACED_REQUEST_SCRIPT, "http://127.0.0.1:9")
    *_, trace_id, spans = [json.loads(line) for line in output]
    # No span per ASGI message ("GET /api/v1/things/{thing_id} http send"), per dependency,
    # or for the health probe.
    assert spans == [["GET /api/v1/things/{thing_id}", "SERVER"]]
    # The request's span is current while its endpoint runs and continues the caller's trace.
    assert trace_id == "ab" * 16


def test_database_statements_are_not_hooked_when_spans_go_nowhere() -> None:
    script = (
        "from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor\n"
        "from worksync.common.config import CommonSettings\n"
        "from worksync.common.telemetry import configure_tracing\n"
        "configure_tracing(CommonSettings(service_name='kit-telemetry'))\n"
        "print(SQLAlchemyInstrumentor().is_instrumented_by_opentelemetry)\n"
    )
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OTEL_", "WORKSYNC_OTEL_"))
    }
    assert run_script(script, env=env)[-1] == "False"
