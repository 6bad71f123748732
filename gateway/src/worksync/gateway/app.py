"""The gateway as a raw ASGI application.

Deliberately not FastAPI/Starlette routing: the hot path (authenticated proxying) is a
handful of dict look-ups, a cached token check, a token bucket and one request on a
pooled upstream connection, with headers kept as the bytes the server handed us.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from worksync.common.auth import InvalidToken, JwksCache, TokenVerifier, http_jwks_source
from worksync.common.errors import AppError
from worksync.common.metrics import UNMATCHED_ROUTE, UNMEASURED_PATHS, HttpMetrics, new_registry
from worksync.common.middleware import request_id_var
from worksync.common.monitoring import MonitoringServer
from worksync.common.telemetry import tracing_exported
from worksync.gateway.authn import API_TOKEN_PREFIX, Authenticator, Caller
from worksync.gateway.clientip import ClientIpResolver
from worksync.gateway.config import GatewaySettings
from worksync.gateway.local import (
    DOCS_ASSETS_PREFIX,
    FAN_OUT_PATHS,
    LOCAL_PATHS,
    LocalEndpoints,
)
from worksync.gateway.proxy import (
    DROPPED_REQUEST_HEADERS,
    BodyLimits,
    BodyTimeout,
    BodyTooLarge,
    ClientGone,
    Forwarder,
    read_body,
)
from worksync.gateway.ratelimit import TokenBucketLimiter, retry_after_header
from worksync.gateway.requests import IncomingHeaders, new_request_id, parse_headers
from worksync.gateway.responses import CorsPolicy, Headers, security_headers, send_problem
from worksync.gateway.routes import ROUTE_TABLE, Route, RouteMatcher
from worksync.gateway.upstream import RawHeaders, UpstreamGroup, UpstreamPool

logger = logging.getLogger("worksync.gateway")
access_logger = logging.getLogger("worksync.gateway.access")

# Where `_handle` leaves the route template it chose, for the request metrics.
ROUTE_SCOPE_KEY = "worksync.route"


class GatewayApp:
    """`serve_metrics`: serve `/metrics` on the monitoring port (`monitoring_port`), which is
    never the public one, for the app's lifetime."""

    def __init__(self, settings: GatewaySettings, *, serve_metrics: bool = False) -> None:
        self.settings = settings
        self.metrics_registry = new_registry()
        self._metrics = HttpMetrics(self.metrics_registry, settings.service_name)
        self.monitoring = (
            MonitoringServer(
                host=settings.host,
                port=settings.monitoring_port,
                registry=self.metrics_registry,
                reuse_port=settings.workers > 1,
            )
            if serve_metrics
            else None
        )
        # Each service's replicas, balanced (config: several URLs, comma separated).
        self.upstreams = {
            name: UpstreamGroup.parse(name, urls, down_seconds=settings.upstream_down_seconds)
            for name, urls in settings.upstream_replicas().items()
        }
        self._matcher = RouteMatcher(ROUTE_TABLE)
        self._cors = CorsPolicy(settings.cors_origins, settings.cors_max_age_seconds)
        self._client_ip = ClientIpResolver(settings.trusted_proxies)
        self._security = security_headers(settings.hsts_max_age_seconds)
        self._auth_limiter = TokenBucketLimiter(
            rate_per_minute=settings.auth_rate_per_minute,
            burst=settings.auth_burst,
            max_buckets=settings.rate_limit_max_buckets,
        )
        self._principal_limiter = TokenBucketLimiter(
            rate_per_minute=settings.principal_rate_per_minute,
            burst=settings.principal_burst,
            max_buckets=settings.rate_limit_max_buckets,
        )
        self._body = BodyLimits(
            max_bytes=settings.max_body_bytes,
            idle_seconds=settings.body_idle_timeout_seconds,
            total_seconds=settings.body_timeout_seconds,
        )
        self._pool = UpstreamPool(
            max_connections_per_origin=settings.upstream_max_connections,
            connect_timeout=settings.upstream_connect_timeout_seconds,
            read_timeout=settings.upstream_timeout_seconds,
            keepalive_seconds=settings.upstream_keepalive_seconds,
        )
        # The gateway's own calls (token exchange, readiness, OpenAPI) have a pool of their
        # own, so clients keeping every upstream connection busy cannot starve them.
        self._internal_pool = UpstreamPool(
            max_connections_per_origin=settings.internal_max_connections,
            connect_timeout=settings.internal_call_timeout_seconds,
            read_timeout=settings.internal_call_timeout_seconds,
            keepalive_seconds=settings.upstream_keepalive_seconds,
        )
        self._forwarder = Forwarder(self._pool)
        self._local = LocalEndpoints(settings, self.upstreams, self._matcher, self._internal_pool)
        # JWKS comes through the shared kit's cache (httpx); a fetch every few minutes.
        self._jwks_client = httpx.AsyncClient(timeout=5.0)
        self._authenticator = Authenticator(
            TokenVerifier(
                JwksCache(
                    http_jwks_source(settings.jwks_url, self._jwks_client),
                    max_age_seconds=settings.jwks_cache_seconds,
                    refresh_min_interval_seconds=settings.jwks_refresh_min_interval_seconds,
                ),
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
            ),
            pool=self._internal_pool,
            identity=self.upstreams.get("identity")
            or UpstreamGroup.parse(
                "identity",
                settings.identity_replicas(),
                down_seconds=settings.upstream_down_seconds,
            ),
            internal_secret=settings.internal_secret.get_secret_value(),
            cache_size=settings.token_cache_size,
            token_cache_seconds=settings.token_cache_seconds,
            api_token_cache_seconds=settings.api_token_cache_seconds,
            api_token_negative_cache_seconds=settings.api_token_negative_cache_seconds,
            exchange_timeout_seconds=settings.internal_call_timeout_seconds,
        )
        # Set by telemetry.instrument when tracing is on.
        self.inject_trace_context: Callable[[RawHeaders], None] | None = None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        await receive()  # startup: nothing to open, connections are made on demand
        if self.monitoring is not None:
            try:
                await self.monitoring.start()
            except OSError as exc:
                await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                return
        await send({"type": "lifespan.startup.complete"})
        await receive()
        if self.monitoring is not None:
            await self.monitoring.close()
        self._pool.close()
        self._internal_pool.close()
        await self._jwks_client.aclose()
        await send({"type": "lifespan.shutdown.complete"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            started = time.perf_counter()
            incoming = parse_headers(scope["headers"], DROPPED_REQUEST_HEADERS)
            request_id = incoming.request_id or new_request_id()
            request_id_var.set(request_id)
            response_headers: Headers = [(b"x-request-id", request_id.encode())]
            if scope["path"] == "/docs":
                response_headers += self._local.docs_security
            else:
                response_headers += self._security
            origin = incoming.origin
            if origin is not None and self._cors.enabled and self._cors.allows(origin):
                response_headers += self._cors.response_headers(origin)
            try:
                status = await self._handle(scope, receive, send, incoming, response_headers)
            except Exception:
                # Raised before anything was sent (forwarding handles its own failures).
                logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
                status = 500
                await send_problem(send, response_headers, 500, "An unexpected error occurred")
            elapsed = time.perf_counter() - started
            if scope["path"] not in UNMEASURED_PATHS:
                route = scope.get(ROUTE_SCOPE_KEY, UNMATCHED_ROUTE)
                self._metrics.observe(scope["method"], route, status, elapsed)
            if self.settings.access_log:
                access_logger.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={"status": status, "duration_ms": round(elapsed * 1e3, 3)},
                )
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        incoming: IncomingHeaders,
        response_headers: Headers,
    ) -> int:
        path: str = scope["path"]
        method: str = scope["method"]
        if incoming.invalid is not None:
            await send_problem(send, response_headers, 400, incoming.invalid, "bad_request")
            return 400
        if method == "OPTIONS" and incoming.preflight_method is not None:
            return await self._local.preflight(send, self._cors, incoming, response_headers)
        client = scope.get("client")
        peer: str = client[0] if client else ""
        client_ip = self._client_ip.resolve(peer, incoming.forwarded_for)
        if path in LOCAL_PATHS:
            scope[ROUTE_SCOPE_KEY] = path
            if path in FAN_OUT_PATHS and self.settings.rate_limit_enabled:
                wait = self._principal_limiter.acquire("ip:" + client_ip)
                if wait > 0.0:
                    return await self._too_many(send, wait, response_headers)
            return await self._local.serve(path, send, response_headers)
        if path.startswith(DOCS_ASSETS_PREFIX):
            scope[ROUTE_SCOPE_KEY] = DOCS_ASSETS_PREFIX + "{name}"
            return await self._local.serve_docs_asset(path, send, response_headers)
        route = self._matcher.match(path)
        upstream = self.upstreams.get(route.upstream) if route is not None else None
        if route is None or upstream is None:
            await send_problem(send, response_headers, 404, "No such resource", "not_found")
            return 404
        scope[ROUTE_SCOPE_KEY] = route.pattern

        public = method in route.public_methods
        if route.public_only and not public:
            allow = ", ".join(sorted(route.public_methods))
            headers = [*response_headers, (b"allow", allow.encode())]
            await send_problem(
                send, headers, 405, f"This path answers {allow}", "method_not_allowed"
            )
            return 405
        try:
            caller = await self._authenticate(incoming, public)
        except InvalidToken as exc:
            return await self._unauthorized(send, exc, client_ip, response_headers)
        except AppError as exc:
            await send_problem(send, response_headers, exc.status, exc.detail, exc.code)
            return exc.status

        if self.settings.rate_limit_enabled:
            wait = self._rate_limit(route, caller, client_ip)
            if wait > 0.0:
                return await self._too_many(send, wait, response_headers)

        body: bytes | None = None
        if incoming.content_length is not None and incoming.content_length > self._body.max_bytes:
            return await Forwarder.too_large(send, response_headers)
        if incoming.chunked or incoming.content_length:
            try:
                body = await read_body(receive, self._body)
            except BodyTooLarge:
                return await Forwarder.too_large(send, response_headers)
            except BodyTimeout:
                return await Forwarder.too_slow(send, response_headers)
            except ClientGone:
                return 0

        headers = incoming.forward
        if caller is not None and caller.forwarded_authorization is not None:
            headers.append((b"authorization", caller.forwarded_authorization))
        elif incoming.authorization is not None:
            headers.append((b"authorization", incoming.authorization))
        headers.append((b"x-request-id", response_headers[0][1]))
        forwarded_for = peer.encode()
        if incoming.forwarded_for is not None and self._client_ip.is_trusted(peer):
            forwarded_for = incoming.forwarded_for + b", " + forwarded_for
        headers.append((b"x-forwarded-for", forwarded_for))
        headers.append((b"x-forwarded-proto", b"https" if scope["scheme"] == "https" else b"http"))
        if incoming.host is not None:
            headers.append((b"x-forwarded-host", incoming.host))
        if self.inject_trace_context is not None:
            self.inject_trace_context(headers)

        target: bytes = scope.get("raw_path") or path.encode()
        query: bytes = scope["query_string"]
        if query:
            target += b"?" + query
        return await self._forwarder.forward(
            upstream=upstream,
            method=method.encode(),
            target=target,
            headers=headers,
            body=body,
            receive=receive,
            send=send,
            response_headers=response_headers,
        )

    async def _authenticate(self, incoming: IncomingHeaders, public: bool) -> Caller | None:
        """The caller, or None on a public route. On public routes a JWT is passed on
        unchecked (the service decides), an API token is exchanged when valid and
        otherwise dropped: services never see API tokens."""
        token = _bearer_token(incoming.authorization)
        if token is None:
            if public:
                return None
            raise InvalidToken("An access token is required")
        if not public:
            return await self._authenticator.authenticate(token)
        if not token.startswith(API_TOKEN_PREFIX):
            return None
        try:
            return await self._authenticator.authenticate(token)
        except AppError:
            incoming.authorization = None
            return None

    def _rate_limit(self, route: Route, caller: Caller | None, client_ip: str) -> float:
        if route.limit_per_ip:
            return self._auth_limiter.acquire(client_ip)
        if caller is not None:
            return self._principal_limiter.acquire(caller.user_id)
        return self._principal_limiter.acquire("ip:" + client_ip)

    async def _unauthorized(
        self, send: Send, exc: InvalidToken, client_ip: str, response_headers: Headers
    ) -> int:
        # Failed credentials count against the caller's IP like a failed login, which
        # slows down guessing API tokens.
        if self.settings.rate_limit_enabled:
            wait = self._auth_limiter.acquire(client_ip)
            if wait > 0.0:
                return await self._too_many(send, wait, response_headers)
        headers = [*response_headers, (b"www-authenticate", b'Bearer error="invalid_token"')]
        await send_problem(send, headers, 401, exc.detail, exc.code)
        return 401

    async def _too_many(self, send: Send, wait: float, response_headers: Headers) -> int:
        headers = [*response_headers, (b"retry-after", retry_after_header(wait).encode())]
        await send_problem(send, headers, 429, "Too many requests; slow down", "rate_limited")
        return 429


def _bearer_token(authorization: bytes | None) -> str | None:
    if authorization is None or authorization[:7].lower() != b"bearer ":
        return None
    token = authorization[7:].strip()
    return token.decode("latin-1") if token and b" " not in token else None


def create_app(settings: GatewaySettings | None = None, *, serve_metrics: bool = False) -> ASGIApp:
    """The gateway ASGI app (`serve_metrics`: see `GatewayApp`). When traces are exported
    (`telemetry.tracing_exported`) it is wrapped in OpenTelemetry's ASGI middleware and
    injects its span's `traceparent` upstream; otherwise `traceparent` passes through
    untouched, at no cost."""
    settings = settings or GatewaySettings()
    gateway = GatewayApp(settings, serve_metrics=serve_metrics)
    if tracing_exported(settings):
        from worksync.gateway.telemetry import instrument

        return instrument(gateway, settings)
    return gateway
