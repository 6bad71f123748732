from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest

from worksync.common.testing.tokens import TokenMinter

from .fakes import FakeUpstream, closed_port, openapi_document
from .serving import GatewayFactory, gateway_settings, serve_gateway

IDENTITY_PATHS = [
    "/api/v1/auth/login",
    "/api/v1/auth/me",
    "/api/v1/users/{user_id}",
    "/.well-known/jwks.json",
    "/internal/api-tokens/exchange",
    "/livez",
    "/api/v1/workspaces",  # not identity's to expose: the route table sends it elsewhere
]
WORKSPACE_PATHS = [
    "/api/v1/workspaces",
    "/api/v1/workspaces/{ws}/members",
    "/api/v1/invitations/{token}",
    "/api/v1/workspaces/{ws}/projects/{pid}/issues",  # routed to work-items
]
USER_SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}}}
WORKSPACE_USER_SCHEMA = {"type": "object", "properties": {"user_id": {"type": "string"}}}
PROBLEM_SCHEMA = {"type": "object", "properties": {"status": {"type": "integer"}}}


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
async def identity(minter: TokenMinter) -> AsyncIterator[FakeUpstream]:
    schemas = {"User": USER_SCHEMA, "Problem": PROBLEM_SCHEMA}
    upstream = FakeUpstream(
        "identity", minter, openapi_document("identity", IDENTITY_PATHS, schemas)
    )
    await upstream.start()
    yield upstream
    await upstream.stop()


@pytest.fixture(scope="session")
async def workspace(minter: TokenMinter) -> AsyncIterator[FakeUpstream]:
    schemas = {"User": WORKSPACE_USER_SCHEMA, "Problem": PROBLEM_SCHEMA}
    upstream = FakeUpstream(
        "workspace", minter, openapi_document("workspace", WORKSPACE_PATHS, schemas)
    )
    await upstream.start()
    yield upstream
    await upstream.stop()


@pytest.fixture(scope="session")
def down_url() -> str:
    return f"http://127.0.0.1:{closed_port()}"


@pytest.fixture(scope="session")
def gateway_factory(identity: FakeUpstream, minter: TokenMinter) -> GatewayFactory:
    """`async with gateway_factory(**settings) as client:` a gateway of one's own."""

    def factory(**overrides: Any) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return serve_gateway(gateway_settings(identity, minter, **overrides))

    return factory


@pytest.fixture(scope="session")
async def gateway(
    gateway_factory: GatewayFactory, workspace: FakeUpstream
) -> AsyncIterator[httpx.AsyncClient]:
    """The shared gateway: identity and workspace enabled, limits out of the way."""
    async with gateway_factory(workspace_url=workspace.url) as client:
        yield client


@pytest.fixture
def auth(minter: TokenMinter) -> dict[str, str]:
    return {"Authorization": f"Bearer {minter.mint()}"}
