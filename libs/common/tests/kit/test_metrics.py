"""An API's `/metrics`: requests by route template, method and status, and its pool."""

from __future__ import annotations

import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families

from worksync.common.config import CommonSettings
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.tokens import TokenMinter

from .sample_service import build_app

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(exposition: str) -> Samples:
    """Every sample of a scrape, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def requests_counted(scraped: Samples, **labels: str) -> float:
    wanted = frozenset({"service": "kit-test", **labels}.items())
    return scraped.get(("http_server_request_duration_seconds_count", wanted), 0.0)


async def test_requests_are_counted_by_route_template_and_status(
    kit_settings: CommonSettings, minter: TokenMinter
) -> None:
    # An app of its own: its registry counts this test's requests only.
    async with asgi_client(build_app(kit_settings, minter)) as client:
        missing = [uuid.uuid4() for _ in range(3)]
        for widget_id in missing:
            assert (await client.get(f"/api/v1/widgets/{widget_id}")).status_code == 404
        assert (await client.get("/api/v1/widgets")).status_code == 200
        assert (await client.get("/api/v1/widgets/crash")).status_code == 500
        assert (await client.get("/no/such/path")).status_code == 404
        assert (await client.get("/livez")).status_code == 200
        response = await client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        again = (await client.get("/metrics")).text

    scraped = samples(response.text)
    get = {"method": "GET"}
    assert requests_counted(scraped, route="/api/v1/widgets/{widget_id}", status="404", **get) == 3
    assert requests_counted(scraped, route="/api/v1/widgets", status="200", **get) == 1
    assert requests_counted(scraped, route="/api/v1/widgets/crash", status="500", **get) == 1
    assert requests_counted(scraped, route="unmatched", status="404", **get) == 1
    # Raw paths never become labels; probes and scrapes are no traffic.
    assert all(str(widget_id) not in response.text for widget_id in missing)
    assert 'route="/livez"' not in again
    assert 'route="/metrics"' not in again
    duration_sum = scraped[
        (
            "http_server_request_duration_seconds_sum",
            frozenset(
                {
                    "service": "kit-test",
                    "route": "/api/v1/widgets",
                    "status": "200",
                    **get,
                }.items()
            ),
        )
    ]
    assert duration_sum > 0


async def test_the_database_pool_is_reported(
    kit_settings: CommonSettings, minter: TokenMinter
) -> None:
    async with asgi_client(build_app(kit_settings, minter)) as client:
        assert (await client.get("/api/v1/widgets")).status_code == 200
        scraped = samples((await client.get("/metrics")).text)

    pool = {"service": "kit-test", "pool": "default"}
    capacity = scraped[("worksync_db_pool_max_connections", frozenset(pool.items()))]
    assert capacity == kit_settings.database_pool_size
    idle = scraped[("worksync_db_pool_connections", frozenset({**pool, "state": "idle"}.items()))]
    in_use = scraped[
        ("worksync_db_pool_connections", frozenset({**pool, "state": "in_use"}.items()))
    ]
    # The list request returned its connection: it is pooled and idle.
    assert idle >= 1
    assert in_use == 0


async def test_metrics_are_not_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/metrics" not in paths
    assert (await client.get("/metrics")).status_code == 200
