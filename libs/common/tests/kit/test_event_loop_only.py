"""The kit refuses an app whose operations would call plain functions in FastAPI's thread
pool: every dependency and endpoint runs on the event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fastapi import APIRouter, Depends

from worksync.common.app import create_service_app
from worksync.common.config import CommonSettings

pytestmark = pytest.mark.fast


def _app_with(dependency: Callable[..., Any]) -> None:
    router = APIRouter()

    @router.get("/things")
    # A default rather than `Annotated`: this module's annotations are strings, which
    # FastAPI resolves in the module's globals, where `dependency` is not.
    async def list_things(value: object = Depends(dependency)) -> None:
        return None

    create_service_app(CommonSettings(), title="t", description="d", routers=[router])


def test_an_app_refuses_dependencies_that_would_run_in_the_thread_pool() -> None:
    def plain() -> int:
        return 1

    class Scheme:
        def __call__(self) -> int:
            return 1

    with pytest.raises(TypeError, match="plain is a plain function"):
        _app_with(plain)
    with pytest.raises(TypeError, match="Scheme"):
        _app_with(Scheme())


def test_an_app_takes_coroutine_and_async_generator_dependencies() -> None:
    async def coroutine() -> int:
        return 1

    async def generator() -> AsyncIterator[int]:
        yield 1

    class Scheme:
        async def __call__(self) -> int:
            return 1

    for dependency in (coroutine, generator, Scheme()):
        _app_with(dependency)
