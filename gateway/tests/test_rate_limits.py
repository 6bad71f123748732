"""429 with Retry-After: per client IP on auth routes, per user elsewhere."""

from __future__ import annotations

import httpx

from worksync.common.testing.tokens import TokenMinter

from .fakes import FakeUpstream
from .serving import GatewayFactory

SLOW = 0.001  # tokens per minute: nothing refills during a test


def _assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["code"] == "rate_limited"


async def test_auth_routes_are_limited_per_ip(gateway_factory: GatewayFactory) -> None:
    async with gateway_factory(auth_burst=3, auth_rate_per_minute=SLOW) as client:
        for _ in range(3):
            response = await client.post("/api/v1/auth/login", json={})
            assert response.status_code == 200
        _assert_rate_limited(await client.post("/api/v1/auth/login", json={}))
        # Another auth route shares the IP's bucket.
        _assert_rate_limited(await client.post("/api/v1/auth/register", json={}))


async def test_other_routes_are_limited_per_user(
    gateway_factory: GatewayFactory, minter: TokenMinter
) -> None:
    alice = {"Authorization": f"Bearer {minter.mint()}"}
    bob = {"Authorization": f"Bearer {minter.mint()}"}
    async with gateway_factory(principal_burst=2, principal_rate_per_minute=SLOW) as client:
        for _ in range(2):
            assert (await client.get("/api/v1/auth/me", headers=alice)).status_code == 200
        _assert_rate_limited(await client.get("/api/v1/auth/me", headers=alice))
        # Same IP, another user: a bucket of its own.
        assert (await client.get("/api/v1/auth/me", headers=bob)).status_code == 200


async def test_failed_authentication_counts_against_the_ip(
    gateway_factory: GatewayFactory,
) -> None:
    bad = {"Authorization": "Bearer wsp_guess"}
    async with gateway_factory(auth_burst=2, auth_rate_per_minute=SLOW) as client:
        for _ in range(2):
            assert (await client.get("/api/v1/auth/me", headers=bad)).status_code == 401
        _assert_rate_limited(await client.get("/api/v1/auth/me", headers=bad))


async def test_oversized_api_tokens_count_against_the_ip(
    gateway_factory: GatewayFactory, identity: FakeUpstream
) -> None:
    oversized = "wsp_" + "a" * 1000
    bad = {"Authorization": f"Bearer {oversized}"}
    async with gateway_factory(auth_burst=2, auth_rate_per_minute=SLOW) as client:
        for _ in range(2):
            response = await client.get("/api/v1/auth/me", headers=bad)
            assert response.status_code == 401
            assert response.json()["code"] == "invalid_token"
        _assert_rate_limited(await client.get("/api/v1/auth/me", headers=bad))
    assert identity.exchange_calls[oversized] == 0


async def test_readyz_and_openapi_are_rate_limited_per_ip(
    gateway_factory: GatewayFactory,
) -> None:
    async with gateway_factory(principal_burst=2, principal_rate_per_minute=SLOW) as client:
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200
        _assert_rate_limited(await client.get("/readyz"))
        _assert_rate_limited(await client.get("/openapi.json"))
        assert (await client.get("/livez")).status_code == 200


async def test_rate_limits_can_be_switched_off(
    gateway_factory: GatewayFactory, auth: dict[str, str]
) -> None:
    async with gateway_factory(
        rate_limit_enabled=False, principal_burst=1, principal_rate_per_minute=SLOW
    ) as client:
        for _ in range(3):
            assert (await client.get("/api/v1/auth/me", headers=auth)).status_code == 200
