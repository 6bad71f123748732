"""The FastAPI application every service builds the same way."""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from worksync.common.auth import JwksCache, TokenVerifier, http_jwks_source
from worksync.common.config import CommonSettings
from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.directory import Directory, DirectoryTables, ProjectSetUp
from worksync.common.docs import install_docs
from worksync.common.errors import (
    install_error_handlers,
    problem_for_status,
    problem_media_types,
    problem_response,
)
from worksync.common.health import BrokerProbe, health_router
from worksync.common.metrics import install_metrics
from worksync.common.middleware import RequestIdMiddleware
from worksync.common.preconditions import precondition_documents
from worksync.common.problem_codes import (
    document_problem_codes,
    load_catalogue,
    service_package,
    template_specificity,
)
from worksync.common.telemetry import (
    configure_tracing,
    instrument_httpx_client,
    request_telemetry,
)

API_PREFIX = "/api/v1"

ExtraLifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def operation_id(route: APIRoute) -> str:
    """An operation's id is its endpoint's name (`list_issues`, `start_timer`), the method
    name a generated client gives it; tests/contract checks that ids are unique across the
    gateway's merged document."""
    return route.name


def create_service_app(
    settings: CommonSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    internal_routers: Sequence[APIRouter] = (),
    root_routers: Sequence[APIRouter] = (),
    directory_tables: DirectoryTables | None = None,
    project_set_up: ProjectSetUp | None = None,
    extra_lifespan: ExtraLifespan | None = None,
) -> FastAPI:
    """Build a service app: database, token verification, errors, health, telemetry.

    `app.state` carries `settings`, `engine`, `sessionmaker`, `http_client`,
    `token_verifier` and `broker_probe`, and `directory` (the membership directory over
    these tables, asking the workspace API on a miss) when `directory_tables` are given,
    with `project_set_up` run on a project's first request;
    `extra_lifespan` runs inside that and may add
    (or replace) state, e.g. identity verifies tokens with its own keys.
    `internal_routers` are mounted at the root (`/internal/...`), which the gateway never
    routes, and left out of the OpenAPI document; `root_routers` are public paths outside
    the versioned API, such as `/.well-known/...`.

    FastAPI tries a request's path against each route in turn, a few microseconds each
    (the week view, 44th of timetracking's routes, spent a twentieth of its time there):
    list `routers` by how often clients call them. The order never decides which route
    answers (`tests/contract/test_routes.py`).
    """
    configure_tracing(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Also here, for a factory run by uvicorn directly rather than through `serve`.
        settings.refuse_unsafe_start()
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        async with httpx.AsyncClient(timeout=10.0) as http_client:
            instrument_httpx_client(http_client)
            app.state.settings = settings
            app.state.engine = engine
            app.state.sessionmaker = create_sessionmaker(engine)
            app.state.http_client = http_client
            app.state.broker_probe = BrokerProbe(settings.amqp_url)
            app.state.project_set_up = project_set_up
            app.state.projects_set_up = set()
            if directory_tables is not None:
                app.state.directory = Directory(
                    directory_tables, http_client, settings.workspace_api_url
                )
            app.state.token_verifier = TokenVerifier(
                JwksCache(
                    http_jwks_source(settings.jwks_url, http_client),
                    max_age_seconds=settings.jwks_cache_seconds,
                    refresh_min_interval_seconds=settings.jwks_refresh_min_interval_seconds,
                ),
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                leeway_seconds=settings.jwt_leeway_seconds,
            )
            try:
                if extra_lifespan is None:
                    yield
                else:
                    async with extra_lifespan(app):
                        yield
            finally:
                await engine.dispose()

    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
        telemetry=request_telemetry(),
    )
    install_error_handlers(app)
    install_docs(app, title)
    app.add_middleware(MethodsByPathMiddleware, routes=app.router.routes)
    app.add_middleware(RequestIdMiddleware)
    install_metrics(app, settings.service_name)
    app.include_router(health_router)
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    for router in root_routers:
        app.include_router(router)
    for router in internal_routers:
        app.include_router(router, include_in_schema=False)

    # The package whose `problem_codes.json` lists the codes of its operations; the kit's
    # test client checks answers against the document and records them (`make problem-codes`).
    app.state.problem_codes_package = service_package(routers)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problem_codes(
                problem_media_types(precondition_documents(FastAPI.openapi(app))),
                load_catalogue(app.state.problem_codes_package),
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    refuse_thread_pool_calls(app)
    return app


def refuse_thread_pool_calls(app: FastAPI) -> None:
    """Raise `TypeError` if an operation's endpoint or any of its dependencies is a plain
    function: FastAPI runs those in its thread pool, a hand-off per call that costs a
    request more than the call itself (they only build services or read `app.state`)."""

    def refuse(call: Callable[..., Any], path: str) -> None:
        # An instance (a security scheme, say) is called through its class's `__call__`.
        target = call if inspect.isroutine(call) or inspect.isclass(call) else type(call).__call__
        if not (inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)):
            name = getattr(call, "__qualname__", repr(call))
            raise TypeError(f"{path}: {name} is a plain function; make it `async def`")

    def walk(dependant: Dependant, path: str) -> None:
        for dependency in dependant.dependencies:
            if dependency.call is not None:
                refuse(dependency.call, path)
            walk(dependency, path)

    for route in iter_route_contexts(app.router.routes):
        original = route.original_route
        if isinstance(original, APIRoute):
            refuse(original.endpoint, original.path)
            walk(original.dependant, original.path)


_PathMethods = tuple[re.Pattern[str], str, frozenset[str]]
"""A path template's pattern, the template, and the methods it answers."""


class MethodsByPathMiddleware:
    """Answers a method the matched path does not have with 405 and an `Allow` header
    listing every method of that path, as the OpenAPI document lists them.

    Starlette's router would name only the first route's methods in `Allow`, and would hand
    `PATCH /members/me` (a path with GET alone) to `PATCH /members/{user_id}`, which answers
    422 for `me`; here the most specific path template decides, as in OpenAPI."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes
        self._paths_by_segments: dict[int, list[_PathMethods]] | None = None
        self._spanning_paths: list[_PathMethods] = []

    def _candidates(self, path: str) -> list[_PathMethods]:
        """The path templates that may match `path`: those of its number of segments (a
        template's parameters match one segment each) and any spanning several (`:path`)."""
        if self._paths_by_segments is None:
            # Built at the first request, when every router has been included.
            methods: dict[str, set[str]] = {}
            for route in iter_route_contexts(self.routes):
                if route.path is not None and route.methods:
                    methods.setdefault(route.path, set()).update(route.methods)
            by_segments: dict[int, list[_PathMethods]] = {}
            spanning: list[_PathMethods] = []
            for template, allowed in methods.items():
                entry = (compile_path(template)[0], template, frozenset(allowed))
                if ":path}" in template:
                    spanning.append(entry)
                else:
                    by_segments.setdefault(template.count("/"), []).append(entry)
            self._paths_by_segments, self._spanning_paths = by_segments, spanning
        return [*self._paths_by_segments.get(path.count("/"), ()), *self._spanning_paths]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        matching = [(t, m) for regex, t, m in self._candidates(path) if regex.match(path)]
        if matching:
            _, allowed = max(matching, key=lambda match: template_specificity(match[0]))
            if scope["method"] not in allowed:
                allow = ", ".join(sorted(allowed))
                response = problem_response(
                    problem_for_status(405, f"This path answers {allow}"), {"Allow": allow}
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
