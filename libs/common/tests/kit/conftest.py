from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from worksync.common.config import CommonSettings, Environment
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.links import TcpLink, tcp_link
from worksync.common.testing.tokens import TokenMinter

from .sample_service import build_app


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
def kit_settings(worksync_database_url: str, worksync_amqp_url: str) -> CommonSettings:
    return CommonSettings(
        service_name="kit-test",
        environment=Environment.TEST,
        database_url=worksync_database_url,
        amqp_url=worksync_amqp_url,
        log_json=True,
    )


@pytest.fixture(scope="session")
async def client(
    kit_settings: CommonSettings, minter: TokenMinter
) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(build_app(kit_settings, minter)) as http:
        yield http


@pytest.fixture
def auth(minter: TokenMinter) -> dict[str, str]:
    return {"Authorization": f"Bearer {minter.mint()}"}


@pytest.fixture
async def database_link(worksync_database_url: str) -> AsyncIterator[TcpLink]:
    """A hop in front of the test database that a test can cut or take down."""
    async with tcp_link(worksync_database_url, 5432) as link:
        yield link
