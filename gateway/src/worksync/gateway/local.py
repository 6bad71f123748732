"""What the gateway answers itself: health, readiness, the merged OpenAPI, docs, CORS
preflights."""

from __future__ import annotations

from starlette.types import Send

from worksync.common.docs import (
    ASSET_CACHE_CONTROL,
    ASSETS_PATH,
    DOCS_CSP,
    docs_asset,
    docs_page,
)
from worksync.gateway.config import GatewaySettings
from worksync.gateway.health import ReadinessProbe
from worksync.gateway.openapi import OpenApiAggregator
from worksync.gateway.requests import IncomingHeaders
from worksync.gateway.responses import (
    HTML,
    JSON,
    PROBLEM,
    CorsPolicy,
    Headers,
    security_headers,
    send_body,
    send_problem,
)
from worksync.gateway.routes import RouteMatcher
from worksync.gateway.upstream import UpstreamGroup, UpstreamPool

LOCAL_PATHS = frozenset({"/livez", "/readyz", "/openapi.json", "/docs"})
# Swagger UI's files, served from the installed package (never a CDN), without a token.
DOCS_ASSETS_PREFIX = ASSETS_PATH + "/"
DOCS_HTML = docs_page("WorkSync API")
# Answered from what the upstreams said: rate limited like anonymous calls, per client IP.
FAN_OUT_PATHS = frozenset({"/readyz", "/openapi.json"})
HEALTHZ_BODY = b'{"status":"ok"}'


class LocalEndpoints:
    def __init__(
        self,
        settings: GatewaySettings,
        upstreams: dict[str, UpstreamGroup],
        matcher: RouteMatcher,
        pool: UpstreamPool,
    ) -> None:
        self._pool = pool
        self._security = security_headers(settings.hsts_max_age_seconds)
        # Swagger UI needs its scripts and styles; every other answer keeps the strict CSP.
        self.docs_security = security_headers(settings.hsts_max_age_seconds, DOCS_CSP.encode())
        self._readiness = ReadinessProbe(
            upstreams,
            settings.internal_call_timeout_seconds,
            settings.readiness_cache_seconds,
        )
        self._openapi = OpenApiAggregator(
            upstreams,
            matcher,
            cache_seconds=settings.openapi_cache_seconds,
            fetch_timeout_seconds=settings.internal_call_timeout_seconds,
        )

    async def serve(self, path: str, send: Send, response_headers: Headers) -> int:
        if path == "/livez":
            await send_body(send, 200, HEALTHZ_BODY, JSON, response_headers)
            return 200
        if path == "/readyz":
            status, body = await self._readiness.check(self._pool)
            content_type = JSON if status == 200 else PROBLEM
            await send_body(send, status, body, content_type, response_headers)
            return status
        if path == "/openapi.json":
            document = await self._openapi.document(self._pool)
            await send_body(send, 200, document, JSON, response_headers)
            return 200
        await send_body(send, 200, DOCS_HTML, HTML, response_headers)
        return 200

    async def serve_docs_asset(self, path: str, send: Send, response_headers: Headers) -> int:
        found = docs_asset(path.removeprefix(DOCS_ASSETS_PREFIX))
        if found is None:
            await send_problem(send, response_headers, 404, "No such resource", "not_found")
            return 404
        body, media_type = found
        headers = [*response_headers, (b"cache-control", ASSET_CACHE_CONTROL.encode())]
        await send_body(send, 200, body, media_type.encode(), headers)
        return 200

    async def preflight(
        self, send: Send, cors: CorsPolicy, incoming: IncomingHeaders, response_headers: Headers
    ) -> int:
        origin = incoming.origin
        if origin is None or not cors.enabled or not cors.allows(origin):
            await send_problem(send, response_headers, 403, "Origin not allowed", "cors_denied")
            return 403
        headers = [
            response_headers[0],  # x-request-id
            *self._security,
            *cors.preflight_headers(origin, incoming.preflight_headers),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return 204
