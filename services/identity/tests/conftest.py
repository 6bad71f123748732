"""Identity test fixtures: a migrated database, the app with a capturing mailer, accounts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.clients import asgi_client
from worksync.common.testing.migrate import upgrade_to_head
from worksync.identity.config import IdentitySettings
from worksync.identity.main import create_app
from worksync.identity.testing import Accounts, CapturingMailer, build_settings

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def alembic_ini() -> Path:
    return ALEMBIC_INI


@pytest.fixture(scope="session")
def database_url(worksync_database_url: str) -> str:
    upgrade_to_head(ALEMBIC_INI, worksync_database_url)
    return worksync_database_url


@pytest.fixture(scope="session")
def settings(database_url: str, worksync_amqp_url: str) -> IdentitySettings:
    return build_settings(database_url, worksync_amqp_url)


@pytest.fixture(scope="session")
def make_settings(database_url: str, worksync_amqp_url: str) -> Callable[..., IdentitySettings]:
    """Test settings with some values changed."""
    return lambda **overrides: build_settings(database_url, worksync_amqp_url, **overrides)


@pytest.fixture(scope="session")
def mailer() -> CapturingMailer:
    return CapturingMailer()


@pytest.fixture(scope="session")
def app(settings: IdentitySettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app: FastAPI, mailer: CapturingMailer) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as http_client:
        app.state.mailer = mailer
        yield http_client


@pytest.fixture(scope="session")
def sessionmaker(app: FastAPI, client: httpx.AsyncClient) -> async_sessionmaker[AsyncSession]:
    """The app's own sessionmaker, for looking at (and ageing) rows."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


@pytest.fixture
def accounts(client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> Accounts:
    return Accounts(client, sessionmaker)
