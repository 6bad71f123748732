"""Timetracking test fixtures: a migrated database, the app trusting a test token minter
and asking a fake upstream (work-items and workspace APIs), the directory and issues
arranged through the service's own handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.migrate import upgrade_to_head
from worksync.common.testing.servers import serve
from worksync.common.testing.tokens import TokenMinter
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app
from worksync.timetracking.messaging.handlers import HANDLERS
from worksync.timetracking.testing import (
    FakeWorkItemsApi,
    Issues,
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
async def upstream() -> AsyncIterator[tuple[FakeWorkItemsApi, str]]:
    fake = FakeWorkItemsApi()
    async with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture
def work_items_api(upstream: tuple[FakeWorkItemsApi, str]) -> FakeWorkItemsApi:
    return upstream[0]


@pytest.fixture(scope="session")
def settings(
    database_url: str, worksync_amqp_url: str, upstream: tuple[FakeWorkItemsApi, str]
) -> TimetrackingSettings:
    return build_settings(
        database_url,
        worksync_amqp_url,
        work_items_api_url=upstream[1],
        workspace_api_url=upstream[1],
    )


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
def app(settings: TimetrackingSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app: FastAPI, minter: TokenMinter) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as http_client:
        # Tokens come from the test minter, not from identity's JWKS.
        app.state.token_verifier = minter.verifier()
        yield http_client


@pytest.fixture(scope="session")
def sessionmaker(app: FastAPI, client: httpx.AsyncClient) -> async_sessionmaker[AsyncSession]:
    """The app's own sessionmaker, for looking at rows."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


@pytest.fixture
def seeder(minter: TokenMinter, sessionmaker: async_sessionmaker[AsyncSession]) -> DirectorySeeder:
    return DirectorySeeder(HANDLERS, sessionmaker, minter)


@pytest.fixture
def issues(sessionmaker: async_sessionmaker[AsyncSession]) -> Issues:
    return Issues(HANDLERS, sessionmaker)


@pytest.fixture
async def world(seeder: DirectorySeeder, issues: Issues) -> World:
    return await arrange_world(seeder, issues)
