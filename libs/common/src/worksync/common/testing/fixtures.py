"""The fixtures every service's tests share, built from the service's description.

A service's `tests/conftest.py` describes the service as the session fixture
`service_under_test` (a `ServiceUnderTest`) and imports these (Polar's
`tests/fixtures` behind a small conftest)::

    from worksync.common.testing.fixtures import *  # noqa: F403

Imported, not provided by the plugin: each suite then caches its own app, database
migrations and clients, so suites of several services can run in one session. They are:
`alembic_ini`, `database_url` (migrated to head), `settings`, `make_settings`, `minter`,
`app`, `client` (the app running, trusting the minter), `sessionmaker` (the app's), `seeder`
(the directory, for services that keep one), `workspace_api` and `workspace_api_url` (the
stand-in the directory falls back to), `worker_settings` and `worker` (its relay and consumer
on events of the test's own).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from aio_pika.abc import AbstractChannel, AbstractConnection
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.migrate import upgrade_to_head
from worksync.common.testing.servers import serve
from worksync.common.testing.service import ServiceUnderTest
from worksync.common.testing.settings import build_test_settings
from worksync.common.testing.tokens import TokenMinter
from worksync.common.testing.worker import WorkerUnderTest
from worksync.common.testing.workspace_api import FakeWorkspaceApi


@pytest.fixture(scope="session")
def alembic_ini(service_under_test: ServiceUnderTest[Any]) -> Path:
    return service_under_test.alembic_ini


@pytest.fixture(scope="session")
def database_url(alembic_ini: Path, worksync_database_url: str) -> str:
    """The session's database, migrated to the service's head."""
    upgrade_to_head(alembic_ini, worksync_database_url)
    return worksync_database_url


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
def workspace_api(minter: TokenMinter) -> FakeWorkspaceApi:
    """The workspace API as the directory's fallback sees it: what a test registers."""
    return FakeWorkspaceApi(minter.verifier())


@pytest.fixture(scope="session")
async def workspace_api_url(workspace_api: FakeWorkspaceApi) -> AsyncIterator[str]:
    """Where `workspace_api` answers over HTTP."""
    async with serve(workspace_api.app()) as url:
        yield url


@pytest.fixture(scope="session")
def make_settings(
    request: pytest.FixtureRequest,
    service_under_test: ServiceUnderTest[Any],
    database_url: str,
    worksync_amqp_url: str,
) -> Callable[..., Any]:
    """Test settings with some values changed."""
    defaults = dict(service_under_test.settings)
    if service_under_test.keeps_directory:
        # Started only for services whose directory falls back to it.
        defaults["workspace_api_url"] = request.getfixturevalue("workspace_api_url")

    def make(**overrides: Any) -> Any:
        return build_test_settings(
            service_under_test.settings_class,
            database_url,
            worksync_amqp_url,
            **{**defaults, **overrides},
        )

    return make


@pytest.fixture(scope="session")
def settings(make_settings: Callable[..., Any]) -> Any:
    return make_settings()


@pytest.fixture(scope="session")
def app(service_under_test: ServiceUnderTest[Any], settings: Any) -> FastAPI:
    return service_under_test.create_app(settings)


@pytest.fixture(scope="session")
async def client(
    service_under_test: ServiceUnderTest[Any], app: FastAPI, minter: TokenMinter
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the running app."""
    async with asgi_client(app) as http_client:
        if service_under_test.trusts_test_tokens:
            # Tokens come from the test minter, not from identity's JWKS.
            app.state.token_verifier = minter.verifier()
        for name, value in service_under_test.app_state.items():
            setattr(app.state, name, value)
        yield http_client


@pytest.fixture(scope="session")
def sessionmaker(app: FastAPI, client: httpx.AsyncClient) -> async_sessionmaker[AsyncSession]:
    """The app's own sessionmaker, for arranging and looking at (and ageing) rows."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


@pytest.fixture
def seeder(
    service_under_test: ServiceUnderTest[Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    minter: TokenMinter,
) -> DirectorySeeder:
    """The directory arranged through the service's own handlers, as its worker fills it."""
    if not service_under_test.keeps_directory:
        raise pytest.UsageError("`seeder` arranges a directory, which this service does not keep")
    return DirectorySeeder(service_under_test.worker.handlers, sessionmaker, minter)


@pytest.fixture
def worker_settings(
    make_settings: Callable[..., Any],
    settings: CommonSettings,
    worksync_isolated_events: Callable[[str], dict[str, str]],
) -> Any:
    """The service's settings with exchanges and a queue of the test's own."""
    return make_settings(**worksync_isolated_events(settings.service_name))


@pytest.fixture
def worker(
    service_under_test: ServiceUnderTest[Any],
    worker_settings: CommonSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    worksync_amqp_connection: AbstractConnection,
    worksync_amqp_channel: AbstractChannel,
    worksync_amqp_cleanup: list[str],
) -> WorkerUnderTest:
    """The service's worker on `worker_settings`: run its relay and consumer, publish to it,
    tap what it publishes."""
    return WorkerUnderTest(
        worker=service_under_test.worker,
        settings=worker_settings,
        sessionmaker=sessionmaker,
        connection=worksync_amqp_connection,
        channel=worksync_amqp_channel,
        cleanup=worksync_amqp_cleanup,
    )
