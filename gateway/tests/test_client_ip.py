"""X-Forwarded-For is believed only from configured proxies."""

from __future__ import annotations

from worksync.gateway.clientip import ClientIpResolver

from .serving import GatewayFactory


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    resolver = ClientIpResolver([])
    assert resolver.resolve("198.51.100.7", b"203.0.113.9") == "198.51.100.7"


def test_behind_trusted_proxies() -> None:
    resolver = ClientIpResolver(["10.0.0.0/8", "192.0.2.1"])
    # The right-most untrusted address is the client; what it claimed further left is not.
    assert resolver.resolve("10.1.2.3", b"1.1.1.1, 203.0.113.9, 192.0.2.1") == "203.0.113.9"
    assert resolver.resolve("10.1.2.3", None) == "10.1.2.3"
    # An untrusted peer's header is ignored.
    assert resolver.resolve("198.51.100.7", b"203.0.113.9") == "198.51.100.7"


async def test_forwarded_for_through_a_trusted_proxy(gateway_factory: GatewayFactory) -> None:
    async with gateway_factory(
        trusted_proxies="127.0.0.1", auth_burst=1, auth_rate_per_minute=0.001
    ) as client:
        first = await client.post(
            "/api/v1/auth/login", json={}, headers={"X-Forwarded-For": "203.0.113.9"}
        )
        assert first.status_code == 200
        assert first.json()["headers"]["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
        again = await client.post(
            "/api/v1/auth/login", json={}, headers={"X-Forwarded-For": "203.0.113.9"}
        )
        assert again.status_code == 429
        # Another client behind the same proxy has a bucket of its own.
        other = await client.post(
            "/api/v1/auth/login", json={}, headers={"X-Forwarded-For": "203.0.113.10"}
        )
        assert other.status_code == 200
