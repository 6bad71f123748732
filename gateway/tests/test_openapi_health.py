"""/openapi.json, /docs, /livez and /readyz."""

from __future__ import annotations

import asyncio
import re

import httpx

from .fakes import FakeUpstream
from .serving import GatewayFactory


async def test_openapi_merges_only_exposed_paths(
    gateway_factory: GatewayFactory, workspace: FakeUpstream, down_url: str
) -> None:
    async with gateway_factory(workspace_url=workspace.url, timetracking_url=down_url) as client:
        response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert set(document["paths"]) == {
        "/api/v1/auth/login",
        "/api/v1/auth/me",
        "/api/v1/users/{user_id}",
        "/.well-known/jwks.json",
        "/api/v1/workspaces",
        "/api/v1/workspaces/{ws}/members",
        "/api/v1/invitations/{token}",
    }
    assert document["paths"]["/api/v1/workspaces"]["get"]["summary"].startswith("workspace")
    schemas = document["components"]["schemas"]
    # Equal schemas are shared; a clash is renamed, references included.
    assert set(schemas) == {"User", "Problem", "WorkspaceUser"}
    assert schemas["WorkspaceUser"]["properties"] == {"user_id": {"type": "string"}}
    members = document["paths"]["/api/v1/workspaces/{ws}/members"]["get"]
    ref = members["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/WorkspaceUser"
    login = document["paths"]["/api/v1/auth/login"]["get"]
    ref = login["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/User"


async def test_openapi_is_cached(gateway: httpx.AsyncClient) -> None:
    first = await gateway.get("/openapi.json")
    second = await gateway.get("/openapi.json")
    assert first.content == second.content


async def test_docs_page(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in response.text
    assert "/openapi.json" in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert response.headers["x-frame-options"] == "DENY"


async def test_the_docs_page_loads_nothing_from_elsewhere(gateway: httpx.AsyncClient) -> None:
    page = (await gateway.get("/docs")).text
    references = re.findall(r'(?:src|href)="([^"]+)"', page)

    assert references
    assert not [url for url in references if "://" in url or url.startswith("//")]
    assert "<script>" not in page
    for url in references:
        asset = await gateway.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["cache-control"].startswith("public")
    assert (await gateway.get("/docs/assets/index.html")).status_code == 404
    assert (await gateway.get("/docs/assets/..%2Fpyproject.toml")).status_code == 404


async def test_livez(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_every_upstream_is_ready(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"identity": "ok", "workspace": "ok"}}


async def test_readyz_when_an_upstream_is_down(
    gateway_factory: GatewayFactory, down_url: str
) -> None:
    async with gateway_factory(workspace_url=down_url) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503
    assert body["checks"]["identity"] == "ok"
    assert body["checks"]["workspace"].startswith("error")


async def test_readyz_asks_the_upstreams_once_per_interval(
    gateway_factory: GatewayFactory, identity: FakeUpstream
) -> None:
    async with gateway_factory(readiness_cache_seconds=60) as client:
        before = identity.readyz_calls
        answers = await asyncio.gather(*(client.get("/readyz") for _ in range(20)))
        assert [answer.status_code for answer in answers] == [200] * 20
        assert (await client.get("/readyz")).status_code == 200
        assert identity.readyz_calls - before == 1


async def test_readyz_sees_a_change_after_the_interval(
    gateway_factory: GatewayFactory, identity: FakeUpstream
) -> None:
    async with gateway_factory(readiness_cache_seconds=0.2) as client:
        assert (await client.get("/readyz")).status_code == 200
        identity.ready = False
        try:
            await asyncio.sleep(0.3)
            assert (await client.get("/readyz")).status_code == 503
        finally:
            identity.ready = True
