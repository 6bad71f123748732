"""The broker away: every API stays ready and keeps taking writes, their events wait in the
outboxes, and once the broker is back they are published and reach the consumers, once.

The machine's RabbitMQ is shared, so the outage is a cut TCP link between the end-to-end
system and the broker (`broker_link`, served from a thread of its own); the test gives the
system back with every consumer connected again, for the tests after it.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aio_pika
import httpx
import psycopg
import pytest

from scripts.local_system import RunningSystem
from worksync.common.testing.waiting import queue_consumer_count

from .links import ThreadedLink
from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
# Generous: the relay backs off up to 30 s between attempts while the broker is away.
RECOVERY_SECONDS = 90.0


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
    system: RunningSystem, broker_link: ThreadedLink
) -> None:
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
        for consumer in ("work_items", "resources"):
            assert _received(system, consumer, "workspace.project.created", project["id"]) == 1
    eventually(lambda: _consumers_connected(system), seconds=RECOVERY_SECONDS)


def _consumers_connected(system: RunningSystem) -> bool:
    """Whether every service's queue has its worker's consumer again."""

    async def count() -> list[int]:
        connection = await aio_pika.connect(system.amqp_url)
        async with connection:
            queues = [name for name in system.broker_object_names() if name.endswith(".events")]
            return [await queue_consumer_count(connection, queue) for queue in queues]

    return all(consumers > 0 for consumers in asyncio.run(count()))
