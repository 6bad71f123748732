"""The real system, started the way `make up` starts it, on free ports and a fresh database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from scripts.local_system import RunningSystem, SystemFailed, running_system
from worksync.common.testing.infra import (
    TestInfrastructure,
    create_database,
    delete_amqp_objects,
    drop_database,
    unique_name,
)

from .links import ThreadedLink


@pytest.fixture(scope="session")
def broker_link(worksync_infra: TestInfrastructure) -> Iterator[ThreadedLink]:
    """Between the system and the broker: `test_broker_outage` takes it down and up."""
    link = ThreadedLink(worksync_infra.amqp_url)
    yield link
    link.close()


@pytest.fixture(scope="session")
def system(
    worksync_infra: TestInfrastructure, broker_link: ThreadedLink
) -> Iterator[RunningSystem]:
    name = unique_name("e2e")
    database_url = create_database(worksync_infra.admin_database_url, name)
    # Every test client shares 127.0.0.1, and the gateway's fuzz test sends thousands of
    # requests as one user; the gateway's own tests cover its limits.
    limits = {
        "GATEWAY_AUTH_RATE_PER_MINUTE": "6000",
        "GATEWAY_AUTH_BURST": "1000",
        "GATEWAY_PRINCIPAL_RATE_PER_MINUTE": "60000",
        "GATEWAY_PRINCIPAL_BURST": "10000",
    }
    # Eleven processes beside the other tests' apps, under the server's max_connections.
    pools = {"WORKSYNC_DATABASE_POOL_SIZE": "1"}
    started: RunningSystem | None = None
    try:
        with running_system(
            database_url=database_url,
            amqp_url=broker_link.url,
            name=name,
            extra_env=limits | pools,
        ) as started:
            yield started
    except SystemFailed as failure:
        pytest.fail(str(failure))
    finally:
        drop_database(worksync_infra.admin_database_url, name)
        if started is not None:
            asyncio.run(delete_amqp_objects(worksync_infra.amqp_url, started.broker_object_names()))
