"""Resources test fixtures: a migrated database, the app trusting a test token minter and
a stand-in workspace API, and the directory arranged through the service's own handler map."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
from worksync.resources.config import ResourcesSettings
from worksync.resources.main import create_app
from worksync.resources.messaging.handlers import HANDLERS
from worksync.resources.models import directory
from worksync.resources.testing import FakeWorkspaceApi, Team, build_settings, make_team

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def alembic_ini() -> Path:
    return ALEMBIC_INI


@pytest.fixture(scope="session")
def database_url(worksync_database_url: str) -> str:
    upgrade_to_head(ALEMBIC_INI, worksync_database_url)
    return worksync_database_url


@pytest.fixture(scope="session")
def settings(database_url: str, worksync_amqp_url: str) -> ResourcesSettings:
    return build_settings(database_url, worksync_amqp_url)


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
def app(settings: ResourcesSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="session")
def workspace_api() -> FakeWorkspaceApi:
    return FakeWorkspaceApi()


@pytest.fixture(scope="session")
async def client(
    app: FastAPI, minter: TokenMinter, workspace_api: FakeWorkspaceApi
) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as http_client, workspace_api.client() as api:
        # Tokens come from the test minter, not from identity's JWKS; the directory's
        # fallback reaches the stand-in.
        app.state.token_verifier = minter.verifier()
        app.state.directory = Directory(directory, api, "http://workspace.test")
        yield http_client


@pytest.fixture(scope="session")
def sessionmaker(app: FastAPI, client: httpx.AsyncClient) -> async_sessionmaker[AsyncSession]:
    """The app's own sessionmaker, for arranging and looking at rows."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


@pytest.fixture
def seeder(sessionmaker: async_sessionmaker[AsyncSession], minter: TokenMinter) -> DirectorySeeder:
    return DirectorySeeder(HANDLERS, sessionmaker, minter)


@pytest.fixture
async def team(seeder: DirectorySeeder) -> Team:
    return await make_team(seeder)
