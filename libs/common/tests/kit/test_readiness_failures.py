"""Readiness answers 503 problem+json, naming the dependency that is down."""

from __future__ import annotations

from worksync.common.config import CommonSettings, Environment
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.tokens import TokenMinter

from .sample_service import build_app


async def test_readyz_reports_a_broker_that_does_not_answer(worksync_database_url: str) -> None:
    settings = CommonSettings(
        environment=Environment.TEST,
        database_url=worksync_database_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/",
    )
    async with asgi_client(build_app(settings, TokenMinter())) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "not_ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")
