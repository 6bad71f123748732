"""Readiness follows the database, not the broker: the outbox holds events while the broker
is away, so the API stays ready and says what is down."""

from __future__ import annotations

from worksync.common.config import CommonSettings, Environment
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.tokens import TokenMinter

from .sample_service import build_app


async def test_an_api_without_its_broker_stays_ready_and_says_so(
    worksync_database_url: str,
) -> None:
    settings = CommonSettings(
        environment=Environment.TEST,
        database_url=worksync_database_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/",
    )
    async with asgi_client(build_app(settings, TokenMinter())) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")
