"""Responses the gateway writes itself, the headers it adds to every response, and CORS."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Send

from worksync.common.errors import PROBLEM_JSON, problem_for_status

Headers = list[tuple[bytes, bytes]]

# API answers are JSON for programs: they may load nothing, and nothing may frame them.
API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
JSON = b"application/json"
PROBLEM = PROBLEM_JSON.encode()
HTML = b"text/html; charset=utf-8"

# Headers the gateway owns on every response; an upstream's copies are dropped.
GATEWAY_OWNED_RESPONSE_HEADERS = frozenset(
    {
        b"x-request-id",
        b"x-content-type-options",
        b"x-frame-options",
        b"referrer-policy",
        b"content-security-policy",
        b"strict-transport-security",
        b"access-control-allow-origin",
        b"access-control-allow-credentials",
        b"access-control-allow-methods",
        b"access-control-allow-headers",
        b"access-control-expose-headers",
        b"access-control-max-age",
    }
)


def security_headers(hsts_max_age_seconds: int, csp: bytes = API_CSP) -> Headers:
    headers: Headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"content-security-policy", csp),
    ]
    if hsts_max_age_seconds > 0:
        value = f"max-age={hsts_max_age_seconds}; includeSubDomains".encode()
        headers.append((b"strict-transport-security", value))
    return headers


async def send_body(
    send: Send, status: int, body: bytes, content_type: bytes, headers: Headers
) -> None:
    """A complete response in two ASGI messages; `headers` must not carry a length/type."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                *headers,
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def problem_body(
    status: int, detail: str | None, code: str | None = None, **extensions: Any
) -> bytes:
    body = problem_for_status(status, detail, code).model_dump(exclude_none=True)
    body.update(extensions)
    return json.dumps(body).encode()


async def send_problem(
    send: Send,
    headers: Headers,
    status: int,
    detail: str | None,
    code: str | None = None,
) -> None:
    await send_body(send, status, problem_body(status, detail, code), PROBLEM, headers)


class CorsPolicy:
    """CORS for the configured origins (`*` allows any). Tokens travel in the Authorization
    header, never in cookies, so credentials are not allowed and `*` stays safe."""

    # ETag: what a browser client sends back in If-Match to update without overwriting.
    EXPOSED = b"X-Request-ID, Retry-After, Location, Content-Disposition, Idempotency-Key, ETag"
    METHODS = b"GET, HEAD, POST, PUT, PATCH, DELETE"
    DEFAULT_ALLOWED_HEADERS = (
        b"Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-ID, traceparent, "
        b"tracestate"
    )

    def __init__(self, origins: list[str], max_age_seconds: int) -> None:
        self._any = "*" in origins
        self._origins = frozenset(origin.rstrip("/").encode() for origin in origins)
        self._max_age = str(max_age_seconds).encode()
        self.enabled = bool(origins)

    def allows(self, origin: bytes) -> bool:
        return self._any or origin in self._origins

    def response_headers(self, origin: bytes) -> Headers:
        """Added to an actual response for an allowed origin."""
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-expose-headers", self.EXPOSED),
            (b"vary", b"Origin"),
        ]

    def preflight_headers(self, origin: bytes, requested_headers: bytes | None) -> Headers:
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-methods", self.METHODS),
            (b"access-control-allow-headers", requested_headers or self.DEFAULT_ALLOWED_HEADERS),
            (b"access-control-max-age", self._max_age),
            (b"vary", b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
        ]
