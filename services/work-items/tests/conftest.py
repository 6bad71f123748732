"""Work-items test fixtures: a migrated database, the app trusting a test token minter and
a stand-in workspace API, the directory arranged through the service's own handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.directory import Directory
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.migrate import upgrade_to_head
from worksync.common.testing.tokens import TokenMinter
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.main import create_app
from worksync.work_items.messaging.handlers import HANDLERS
from worksync.work_items.models import directory
from worksync.work_items.testing import (
    WORKSPACE_API_URL,
    Api,
    FakeWorkspaceApi,
    World,
    arrange_world,
    build_settings,
)

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def alembic_ini() -> Path:
    return ALEMBIC_INI


@pytest.fixture(scope="session")
def database_url(worksync_database_url: str) -> str:
    upgrade_to_head(ALEMBIC_INI, worksync_database_url)
    return worksync_database_url


@pytest.fixture(scope="session")
def settings(database_url: str, worksync_amqp_url: str) -> WorkItemsSettings:
    return build_settings(database_url, worksync_amqp_url)


@pytest.fixture(scope="session")
def make_settings(database_url: str, worksync_amqp_url: str) -> Callable[..., WorkItemsSettings]:
    """Test settings with some values changed."""
    return lambda **overrides: build_settings(database_url, worksync_amqp_url, **overrides)


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
def workspace_api() -> FakeWorkspaceApi:
    return FakeWorkspaceApi()


@pytest.fixture(scope="session")
def app(settings: WorkItemsSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(
    app: FastAPI, minter: TokenMinter, workspace_api: FakeWorkspaceApi
) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as http_client, workspace_api.client() as fallback_client:
        # Tokens come from the test minter; the directory's fallback reaches the stand-in.
        app.state.token_verifier = minter.verifier()
        app.state.directory = Directory(directory, fallback_client, WORKSPACE_API_URL)
        yield http_client


@pytest.fixture(scope="session")
def sessionmaker(app: FastAPI, client: httpx.AsyncClient) -> async_sessionmaker[AsyncSession]:
    """The app's own sessionmaker, for looking at rows and delivering events."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


@pytest.fixture
def seeder(sessionmaker: async_sessionmaker[AsyncSession], minter: TokenMinter) -> DirectorySeeder:
    return DirectorySeeder(HANDLERS, sessionmaker, minter)


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)


@pytest.fixture
async def world(seeder: DirectorySeeder) -> World:
    return await arrange_world(seeder)


@pytest.fixture(scope="module")
async def shared_world(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    minter: TokenMinter,
) -> World:
    """One world for a module's tests that leave it as they found it (refused requests)."""
    return await arrange_world(DirectorySeeder(HANDLERS, sessionmaker, minter))
