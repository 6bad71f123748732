"""An API while its database is unreachable: 503 `database_unavailable`, then normal again;
which errors are outages and which are transactions aborted for a concurrent one."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from worksync.common.config import CommonSettings
from worksync.common.outages import database_unavailable, transaction_conflict
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.links import TcpLink
from worksync.common.testing.tokens import TokenMinter

from .sample_service import build_app


@pytest.fixture
async def linked_client(
    kit_settings: CommonSettings, minter: TokenMinter, database_link: TcpLink
) -> AsyncIterator[httpx.AsyncClient]:
    """The sample service with its database behind `database_link`."""
    settings = kit_settings.model_copy(
        update={"database_url": database_link.url, "database_pool_size": 2}
    )
    async with asgi_client(build_app(settings, minter)) as http:
        yield http


async def test_an_unreachable_database_answers_503_with_retry_after_then_recovers(
    linked_client: httpx.AsyncClient, database_link: TcpLink, auth: dict[str, str]
) -> None:
    assert (await linked_client.get("/api/v1/widgets")).status_code == 200
    database_link.down()
    body = {"name": f"w-{uuid.uuid4().hex[:12]}", "rank": 1}
    for response in (
        await linked_client.get("/api/v1/widgets"),
        await linked_client.post("/api/v1/widgets", json=body, headers=auth),
    ):
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "5"
        assert response.json()["code"] == "database_unavailable"
        assert "Traceback" not in response.text
    database_link.up()
    created = await linked_client.post("/api/v1/widgets", json=body, headers=auth)
    assert created.status_code == 201, created.text


async def test_an_api_without_its_database_is_alive_but_not_ready(
    linked_client: httpx.AsyncClient, database_link: TcpLink
) -> None:
    assert (await linked_client.get("/readyz")).status_code == 200
    database_link.down()
    ready = await linked_client.get("/readyz")
    alive = await linked_client.get("/livez")
    database_link.up()

    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"
    assert ready.json()["code"] == "not_ready"
    assert ready.json()["checks"]["database"].startswith("error")
    assert alive.json() == {"status": "ok"}
    assert (await linked_client.get("/readyz")).status_code == 200


def _driver_error(sqlstate: str | None) -> psycopg.OperationalError:
    error = psycopg.OperationalError("boom")
    error.sqlstate = sqlstate
    return error


@pytest.mark.fast
@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (sa_exc.TimeoutError("QueuePool limit reached"), True),
        (sa_exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("refused")), True),
        (sa_exc.OperationalError("SELECT 1", {}, _driver_error("57P01")), True),
        (sa_exc.OperationalError("SELECT 1", {}, _driver_error("53300")), True),
        (sa_exc.OperationalError("SELECT 1", {}, _driver_error("08006")), True),
        (sa_exc.DBAPIError("SELECT 1", {}, Exception("lost"), connection_invalidated=True), True),
        (sa_exc.OperationalError("SELECT 1", {}, _driver_error("40P01")), False),
        (sa_exc.OperationalError("SELECT 1", {}, _driver_error("57014")), False),
        (sa_exc.IntegrityError("INSERT", {}, Exception("duplicate")), False),
        (RuntimeError("handler bug"), False),
    ],
)
def test_what_counts_as_the_database_being_unavailable(
    error: BaseException, unavailable: bool
) -> None:
    assert database_unavailable(error) is unavailable


@pytest.mark.fast
def test_an_outage_wrapped_by_a_handler_still_counts() -> None:
    wrapped = RuntimeError("could not update the projection")
    wrapped.__cause__ = sa_exc.TimeoutError("QueuePool limit reached")
    assert database_unavailable(wrapped)


@pytest.mark.fast
@pytest.mark.parametrize(
    ("error", "conflict"),
    [
        (sa_exc.OperationalError("UPDATE", {}, _driver_error("40P01")), True),
        (sa_exc.OperationalError("UPDATE", {}, _driver_error("40001")), True),
        (_driver_error("40P01"), True),
        (sa_exc.OperationalError("UPDATE", {}, _driver_error("57P01")), False),
        (sa_exc.OperationalError("UPDATE", {}, _driver_error(None)), False),
        (sa_exc.IntegrityError("INSERT", {}, Exception("duplicate")), False),
        (RuntimeError("handler bug"), False),
    ],
)
def test_what_counts_as_a_transaction_conflict(error: BaseException, conflict: bool) -> None:
    assert transaction_conflict(error) is conflict
    if conflict:
        assert not database_unavailable(error), "a conflict is no outage: retrying fixes it"


@pytest.mark.fast
def test_a_conflict_wrapped_by_a_handler_still_counts() -> None:
    wrapped = RuntimeError("could not apply the event")
    wrapped.__cause__ = sa_exc.OperationalError("UPDATE", {}, _driver_error("40P01"))
    assert transaction_conflict(wrapped)
