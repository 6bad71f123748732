"""pytest plugin: real Postgres and RabbitMQ, a fresh database per run, token minting, and
the broker's test objects.

URLs come from `WORKSYNC_TEST_DATABASE_URL` and `WORKSYNC_TEST_AMQP_URL` (defaults: the local
services). When nothing answers there and Docker is available, testcontainers starts them;
otherwise the run stops with one message saying how to start them.

The fixtures a service's suite builds from its description are in `fixtures`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from aio_pika.abc import AbstractChannel, AbstractConnection

from worksync.common.testing.infra import (
    TestInfrastructure,
    create_database,
    drop_database,
    resolve_infrastructure,
    unique_name,
)


def pytest_configure(config: pytest.Config) -> None:
    """Tests run in the `test` environment unless told otherwise: a service's app refuses
    to start without an explicit environment."""
    os.environ.setdefault("WORKSYNC_ENVIRONMENT", "test")


@pytest.fixture(scope="session")
def worksync_infra() -> Iterator[TestInfrastructure]:
    with resolve_infrastructure(
        os.environ.get("WORKSYNC_TEST_DATABASE_URL"),
        os.environ.get("WORKSYNC_TEST_AMQP_URL"),
    ) as infra:
        yield infra


@pytest.fixture(scope="session")
def worksync_database_url(worksync_infra: TestInfrastructure) -> Iterator[str]:
    """A fresh database for this test session (each xdist worker gets its own)."""
    name = unique_name("worksync_test")
    url = create_database(worksync_infra.admin_database_url, name)
    yield url
    drop_database(worksync_infra.admin_database_url, name)


@pytest.fixture
def worksync_fresh_database_url(worksync_infra: TestInfrastructure) -> Iterator[str]:
    """An empty database of its own, for a test that must not share state (dropped after):
    migrations run from nothing, roles connecting to it."""
    name = unique_name("worksync_fresh")
    yield create_database(worksync_infra.admin_database_url, name)
    drop_database(worksync_infra.admin_database_url, name)


@pytest.fixture(scope="session")
def worksync_amqp_url(worksync_infra: TestInfrastructure) -> str:
    return worksync_infra.amqp_url


@pytest.fixture(scope="session")
def worksync_exchange_names() -> tuple[str, str]:
    """Exchange names unique to this run, so runs never see each other's messages."""
    suffix = unique_name("t")
    return f"worksync.events.{suffix}", f"worksync.dead.{suffix}"


@pytest.fixture
async def worksync_amqp_cleanup(worksync_amqp_url: str) -> AsyncIterator[list[str]]:
    """Collects queue and exchange names a test declared; deletes them afterwards."""
    from worksync.common.testing.infra import delete_amqp_objects

    names: list[str] = []
    yield names
    await delete_amqp_objects(worksync_amqp_url, names)


@pytest.fixture
async def worksync_amqp_connection(worksync_amqp_url: str) -> AsyncIterator[AbstractConnection]:
    """A connection to the test broker, closed after the test."""
    import aio_pika

    async with await aio_pika.connect(worksync_amqp_url) as connection:
        yield connection


@pytest.fixture
async def worksync_amqp_channel(worksync_amqp_connection: AbstractConnection) -> AbstractChannel:
    return await worksync_amqp_connection.channel()


@pytest.fixture
def worksync_isolated_events(
    worksync_exchange_names: tuple[str, str], worksync_amqp_cleanup: list[str]
) -> Callable[[str], dict[str, str]]:
    """Settings overrides that give a service's worker exchanges and a queue of its own.

    Call it with the service name; what the worker declares is deleted after the test.
    """
    events, dead = worksync_exchange_names

    def overrides(service_name: str) -> dict[str, str]:
        prefix = f"t{uuid.uuid4().hex[:8]}."
        queue = f"{prefix}{service_name}.events"
        worksync_amqp_cleanup.extend([queue, f"{queue}.dead", events, dead])
        return {
            "events_exchange": events,
            "dead_letter_exchange": dead,
            "events_queue_prefix": prefix,
        }

    return overrides
