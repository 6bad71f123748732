"""What reaches which upstream through the running gateway."""

from __future__ import annotations

import httpx


async def test_unknown_path_is_404(gateway: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await gateway.get("/api/v1/nothing-here", headers=auth)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


async def test_internal_is_never_routed(gateway: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for method, path in [
        ("POST", "/internal/api-tokens/exchange"),
        ("GET", "/internal/anything"),
        ("GET", "/api/v1/auth/%2e%2e/%2e%2e/internal/api-tokens/exchange"),
        ("GET", "/api/v1/users/../../internal/x"),
    ]:
        response = await gateway.request(method, path, headers=auth)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"


async def test_routes_to_the_right_upstream(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await gateway.get("/api/v1/workspaces/acme/members", headers=auth)
    assert response.status_code == 200
    assert response.json()["upstream"] == "workspace"
    response = await gateway.get("/api/v1/users/42", headers=auth)
    assert response.json()["upstream"] == "identity"


async def test_public_invitation_preview(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/api/v1/invitations/some-token")
    assert response.status_code == 200
    assert response.json()["upstream"] == "workspace"
    response = await gateway.post("/api/v1/invitations/some-token/accept")
    assert response.status_code == 401


async def test_disabled_upstream_is_404(gateway: httpx.AsyncClient, auth: dict[str, str]) -> None:
    # work-items is not configured in the shared gateway.
    response = await gateway.get("/api/v1/workspaces/acme/projects/1/issues", headers=auth)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_path_and_query_are_forwarded_verbatim(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await gateway.get(
        "/api/v1/users/a%20b", params={"search": "x y", "limit": "5"}, headers=auth
    )
    assert response.status_code == 200
    assert response.json()["path"] == "/api/v1/users/a%20b?search=x+y&limit=5"
