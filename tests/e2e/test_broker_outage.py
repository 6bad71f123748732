"""The broker away: every API stays ready and keeps taking writes, their events wait in the
outboxes, and once the broker is back they are published and reach the consumers, once.

The machine's RabbitMQ is shared, so the outage is a cut TCP link between this system and
the broker (`worksync.common.testing.links`), which serves from a thread of its own while
the system runs.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import httpx
import psycopg
import pytest

from scripts.local_system import RunningSystem, SystemFailed, running_system
from worksync.common.testing import infra
from worksync.common.testing.links import TcpLink

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
# Generous: the relay backs off up to 30 s between attempts while the broker is away.
RECOVERY_SECONDS = 90.0


class ThreadedLink:
    """A `TcpLink` served by an event loop in a thread, driven from synchronous tests."""

    def __init__(self, server_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.link = TcpLink(server_url, 5672)
        self._call(self.link.open())

    @property
    def url(self) -> str:
        return self.link.url

    def down(self) -> None:
        self.loop.call_soon_threadsafe(self.link.down)

    def up(self) -> None:
        self.loop.call_soon_threadsafe(self.link.up)

    def close(self) -> None:
        self._call(self.link.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()

    def _call(self, coroutine: Any) -> None:
        done: Future[None] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        done.result(timeout=10)


@pytest.fixture(scope="module")
def broker_link(worksync_infra: infra.TestInfrastructure) -> Iterator[ThreadedLink]:
    link = ThreadedLink(worksync_infra.amqp_url)
    yield link
    link.close()


@pytest.fixture(scope="module")
def linked_system(
    worksync_infra: infra.TestInfrastructure, broker_link: ThreadedLink
) -> Iterator[RunningSystem]:
    """The whole system, its every broker connection through `broker_link`."""
    name = infra.unique_name("outage")
    database_url = infra.create_database(worksync_infra.admin_database_url, name)
    env = {
        "GATEWAY_AUTH_RATE_PER_MINUTE": "6000",
        "GATEWAY_AUTH_BURST": "1000",
        "WORKSYNC_DATABASE_POOL_SIZE": "2",
    }
    started: RunningSystem | None = None
    try:
        with running_system(
            database_url=database_url, amqp_url=broker_link.url, name=name, extra_env=env
        ) as started:
            yield started
    except SystemFailed as failure:
        pytest.fail(str(failure))
    finally:
        infra.drop_database(worksync_infra.admin_database_url, name)
        if started is not None:
            asyncio.run(
                infra.delete_amqp_objects(worksync_infra.amqp_url, started.broker_object_names())
            )


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _unpublished(system: RunningSystem, schema: str) -> int:
    with psycopg.connect(system.database_url) as connection:
        row = connection.execute(
            f"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL"
        ).fetchone()
    assert row is not None
    return int(row[0])


def _received(system: RunningSystem, schema: str, event_type: str, subject: str) -> int:
    """How many times `schema`'s consumer applied the event of `subject` (its inbox rows)."""
    with psycopg.connect(system.database_url) as connection:
        row = connection.execute(
            f"SELECT count(*) FROM {schema}.inbox i JOIN workspace.outbox o ON o.id = i.event_id"
            " WHERE i.event_type = %s AND o.envelope->>'subject' = %s",
            (event_type, subject),
        ).fetchone()
    assert row is not None
    return int(row[0])


def _project_known(system: RunningSystem, project_id: str) -> bool:
    with psycopg.connect(system.database_url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM timetracking.directory_projects WHERE id = %s", (project_id,)
        ).fetchone()
    return row is not None and row[0] == 1


def test_apis_stay_ready_and_write_while_the_broker_is_away(
    linked_system: RunningSystem, broker_link: ThreadedLink
) -> None:
    system = linked_system
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        owner = Person(client, "owner")
        slug = f"outage-{uuid.uuid4().hex[:8]}"
        _ok(
            client.post(
                "/api/v1/workspaces", json={"slug": slug, "name": "O"}, headers=owner.headers
            ),
            201,
        )
        ws = f"/api/v1/workspaces/{slug}"
        eventually(lambda: _unpublished(system, "workspace") == 0)

        broker_link.down()
        try:
            for url in (*system.service_urls.values(), system.gateway_url):
                assert httpx.get(f"{url}/readyz", timeout=5).status_code == 200, url
            project = _ok(
                client.post(
                    f"{ws}/projects",
                    json={"identifier": "DOWN", "name": "Made while the broker was away"},
                    headers=owner.headers,
                ),
                201,
            )
            issue = _ok(
                client.post(
                    f"{ws}/projects/{project['id']}/issues",
                    json={"title": "Also made then"},
                    headers=owner.headers,
                ),
                201,
            )
            assert _unpublished(system, "workspace") >= 1
            assert not _project_known(system, project["id"])
            for url in (*system.service_urls.values(), system.gateway_url):
                assert httpx.get(f"{url}/readyz", timeout=5).status_code == 200, url
        finally:
            broker_link.up()

        eventually(
            lambda: (
                _unpublished(system, "workspace") == 0 and _unpublished(system, "work_items") == 0
            ),
            seconds=RECOVERY_SECONDS,
        )
        eventually(lambda: _project_known(system, project["id"]), seconds=RECOVERY_SECONDS)
        assert _received(system, "timetracking", "workspace.project.created", project["id"]) == 1
        # The issue's key needs the project's identifier in work-items' directory: it came.
        listed = _ok(client.get(f"{ws}/projects/{project['id']}/issues", headers=owner.headers))
        assert [found["id"] for found in listed["items"]] == [issue["id"]]
