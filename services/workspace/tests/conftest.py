"""Workspace test fixtures: a migrated database, the app trusting a test token minter,
users announced through identity's events, and API shortcuts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.clients import asgi_client
from worksync.common.testing.migrate import upgrade_to_head
from worksync.common.testing.tokens import TokenMinter
from worksync.workspace.config import WorkspaceSettings
from worksync.workspace.main import create_app
from worksync.workspace.testing import People, Workspaces, build_settings

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def alembic_ini() -> Path:
    return ALEMBIC_INI


@pytest.fixture(scope="session")
def database_url(worksync_database_url: str) -> str:
    upgrade_to_head(ALEMBIC_INI, worksync_database_url)
    return worksync_database_url


@pytest.fixture(scope="session")
def settings(database_url: str, worksync_amqp_url: str) -> WorkspaceSettings:
    return build_settings(database_url, worksync_amqp_url)


@pytest.fixture(scope="session")
def make_settings(database_url: str, worksync_amqp_url: str) -> Callable[..., WorkspaceSettings]:
    """Test settings with some values changed."""
    return lambda **overrides: build_settings(database_url, worksync_amqp_url, **overrides)


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
def app(settings: WorkspaceSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app: FastAPI, minter: TokenMinter) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as http_client:
        # Tokens come from the test minter, not from identity's JWKS.
        app.state.token_verifier = minter.verifier()
        yield http_client


@pytest.fixture(scope="session")
def sessionmaker(app: FastAPI, client: httpx.AsyncClient) -> async_sessionmaker[AsyncSession]:
    """The app's own sessionmaker, for looking at (and ageing) rows."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


@pytest.fixture
def people(minter: TokenMinter, sessionmaker: async_sessionmaker[AsyncSession]) -> People:
    return People(minter, sessionmaker)


@pytest.fixture
def workspaces(client: httpx.AsyncClient) -> Workspaces:
    return Workspaces(client)
