"""The gateway's request metrics: on its monitoring port only, by route pattern."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from worksync.common.testing.tokens import TokenMinter
from worksync.gateway.app import GatewayApp
from worksync.gateway.main import server_options

from .fakes import FakeUpstream
from .serving import gateway_settings, serve_asgi


def request_counts(exposition: str) -> dict[tuple[str, str, str], float]:
    """(method, route, status) -> requests, for the gateway's service label."""
    return {
        (sample.labels["method"], sample.labels["route"], sample.labels["status"]): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "http_server_request_duration_seconds_count"
        and sample.labels["service"] == "gateway"
    }


async def test_requests_are_counted_by_route_pattern_on_the_monitoring_port(
    identity: FakeUpstream, minter: TokenMinter, auth: dict[str, str]
) -> None:
    settings = gateway_settings(identity, minter, metrics_port=0)
    app = GatewayApp(settings, serve_metrics=True)
    async with (
        serve_asgi(app, **server_options(settings)) as port,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client,
    ):
        assert (await client.get("/api/v1/auth/me", headers=auth)).status_code == 200
        for user in ("u1", "u2"):
            assert (await client.get(f"/api/v1/users/{user}", headers=auth)).status_code == 200
        assert (await client.get("/api/v1/users/u3")).status_code == 401
        assert (await client.get("/nowhere")).status_code == 404
        assert (await client.get("/livez")).status_code == 200
        # Not on the public port: it is no local path and nothing routes it.
        assert (await client.get("/metrics")).status_code == 404
        assert app.monitoring is not None
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.monitoring.port}") as ops:
            scrape = await ops.get("/metrics")
    assert scrape.status_code == 200
    counts = request_counts(scrape.text)
    assert counts[("GET", "/api/v1/auth", "200")] == 1
    assert counts[("GET", "/api/v1/users", "200")] == 2
    assert counts[("GET", "/api/v1/users", "401")] == 1
    assert counts[("GET", "unmatched", "404")] == 1
    assert not any(route == "/livez" for _, route, _ in counts)
    assert "u1" not in scrape.text
