"""With tracing on, the gateway's span becomes the upstream's parent."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider

from worksync.gateway.telemetry import inject_trace_context

CLIENT_TRACEPARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_trace_headers_are_replaced_by_the_current_span() -> None:
    tracer = TracerProvider().get_tracer("test")  # a local provider: no global state
    headers = [(b"traceparent", CLIENT_TRACEPARENT), (b"tracestate", b"a=b"), (b"x-a", b"1")]
    with tracer.start_as_current_span("gateway") as span:
        inject_trace_context(headers)
        context = span.get_span_context()
    traceparents = [value for name, value in headers if name == b"traceparent"]
    assert len(traceparents) == 1
    ids = f"00-{context.trace_id:032x}-{context.span_id:016x}-".encode()
    assert traceparents[0].startswith(ids)
    assert (b"x-a", b"1") in headers


def test_without_a_span_the_client_headers_stay() -> None:
    headers = [(b"traceparent", CLIENT_TRACEPARENT)]
    inject_trace_context(headers)
    assert headers == [(b"traceparent", CLIENT_TRACEPARENT)]
