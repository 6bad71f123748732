"""Two real replicas of work-items (uvicorn processes, one database) behind one gateway:
both serve, and when one stops every following request still succeeds and nothing that
was created is lost."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.migrate import upgrade_to_head
from worksync.common.testing.tokens import TokenMinter
from worksync.work_items.messaging.handlers import HANDLERS
from worksync.work_items.testing import World, arrange_world

from .fakes import FakeUpstream, closed_port
from .serving import GatewayFactory

ROOT = Path(__file__).resolve().parents[2]
WORK_ITEMS_ALEMBIC = ROOT / "services" / "work-items" / "alembic.ini"
START_SECONDS = 60.0
STOP_SECONDS = 30.0


class Replica:
    """`python -m worksync.work_items` on a port of its own, as `make up` runs it."""

    def __init__(self, database_url: str, identity: FakeUpstream) -> None:
        self.port = closed_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "WORKSYNC_ENVIRONMENT": "test",
            "WORKSYNC_LOG_LEVEL": "WARNING",
            "WORK_ITEMS_HOST": "127.0.0.1",
            "WORK_ITEMS_PORT": str(self.port),
            "WORK_ITEMS_DATABASE_URL": database_url,
            "WORK_ITEMS_DATABASE_POOL_SIZE": "2",
            "WORK_ITEMS_JWKS_URL": identity.url + "/.well-known/jwks.json",
            # The directory is seeded in the database; nothing is looked up elsewhere.
            "WORK_ITEMS_WORKSPACE_API_URL": f"http://127.0.0.1:{closed_port()}",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "worksync.work_items"], cwd=ROOT, env=env
        )

    async def wait_ready(self, client: httpx.AsyncClient) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_SECONDS
        while loop.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"replica exited with {self.process.returncode}")
            try:
                if (await client.get(self.url + "/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
        raise RuntimeError("replica did not become ready")

    async def creates_served(self, client: httpx.AsyncClient) -> int:
        """How many issue creates this replica has answered (its request metrics)."""
        text = (await client.get(self.url + "/metrics")).text
        return sum(
            int(float(line.rsplit(" ", 1)[1]))
            for line in text.splitlines()
            if line.startswith("http_server_request_duration_seconds_count{")
            and 'method="POST"' in line
            and 'route="/api/v1/workspaces/{ws}/projects/' in line
            and '}/issues"' in line
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def work_items_database_url(worksync_database_url: str) -> str:
    upgrade_to_head(WORK_ITEMS_ALEMBIC, worksync_database_url)
    return worksync_database_url


@pytest.fixture
def replicas(
    work_items_database_url: str, identity: FakeUpstream
) -> Iterator[tuple[Replica, Replica]]:
    started: list[Replica] = []
    try:
        started.append(Replica(work_items_database_url, identity))
        started.append(Replica(work_items_database_url, identity))
        yield started[0], started[1]
    finally:
        for replica in started:
            replica.stop()


@pytest.fixture
async def engine(work_items_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(work_items_database_url, pool_size=1)
    yield engine
    await engine.dispose()


async def _create(client: httpx.AsyncClient, world: World, number: int) -> httpx.Response:
    return await client.post(
        world.url("/issues"), json={"title": f"Issue {number}"}, headers=world.member.headers
    )


async def _listed_titles(client: httpx.AsyncClient, world: World) -> list[str]:
    titles: list[str] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = await client.get(world.url("/issues"), params=params, headers=world.member.headers)
        assert page.status_code == 200, page.text
        body = page.json()
        titles += [issue["title"] for issue in body["items"]]
        if not body.get("next_cursor"):
            return titles
        params["cursor"] = body["next_cursor"]


async def test_two_replicas_serve_and_one_stopping_loses_nothing(
    gateway_factory: GatewayFactory,
    replicas: tuple[Replica, Replica],
    engine: AsyncEngine,
    minter: TokenMinter,
) -> None:
    first, second = replicas
    async with httpx.AsyncClient(timeout=10.0) as direct:
        await asyncio.gather(first.wait_ready(direct), second.wait_ready(direct))
        world = await arrange_world(DirectorySeeder(HANDLERS, create_sessionmaker(engine), minter))
        async with gateway_factory(work_items_url=f"{first.url},{second.url}") as client:
            created = [await _create(client, world, number) for number in range(10)]
            assert [answer.status_code for answer in created] == [201] * 10
            served = (await first.creates_served(direct), await second.creates_served(direct))
            assert served == (5, 5), served

            second.stop()
            after = [await _create(client, world, number) for number in range(10, 30)]
            assert [answer.status_code for answer in after] == [201] * 20
            assert await first.creates_served(direct) == 25

            titles = await _listed_titles(client, world)
    assert sorted(titles) == sorted(f"Issue {number}" for number in range(30))
