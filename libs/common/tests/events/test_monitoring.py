"""A worker's metrics move with its work, and its `/livez` fails when a loop stalls."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from uuid import UUID

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractChannel
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings, Environment
from worksync.common.events.backlog import BacklogSampler
from worksync.common.events.consumer import EventConsumer
from worksync.common.events.envelope import CloudEvent, IntegrationEvent
from worksync.common.events.handlers import Handler
from worksync.common.events.outbox import EventRecorder, Outbox
from worksync.common.events.relay import OutboxRelay
from worksync.common.events.tables import MessagingTables
from worksync.common.events.topology import dead_queue_name
from worksync.common.events.worker import ServiceWorker
from worksync.common.ids import new_id
from worksync.common.metrics import WorkerMetrics
from worksync.common.monitoring import Heartbeat, HeartbeatCollector, MonitoringServer

from .conftest import QueueDeclarer

Eventually = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]

SERVICE = "kit-worker"
DELIVERY_LIMIT = 1
STALL_SECONDS = 0.5
UNREACHABLE_AMQP_URL = "amqp://guest:guest@127.0.0.1:1/"


class ThingHappened(IntegrationEvent):
    event_type = "test.thing.happened"

    n: int


@dataclass
class Thing:
    id: UUID = field(default_factory=new_id)
    version: int = 0


@pytest.fixture
def outbox(messaging: MessagingTables) -> Outbox:
    return Outbox(messaging.outbox, source="worksync/test")


@pytest.fixture
def metrics() -> WorkerMetrics:
    return WorkerMetrics(SERVICE)


@pytest.fixture
def sampler(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    worksync_amqp_url: str,
    queue_name: str,
    metrics: WorkerMetrics,
) -> BacklogSampler:
    return BacklogSampler(
        sessionmaker,
        outbox=outbox,
        amqp_url=worksync_amqp_url,
        queue=queue_name,
        metrics=metrics,
        interval_seconds=60.0,
    )


def relay_for(
    database_url: str,
    amqp_url: str,
    outbox: Outbox,
    exchanges: tuple[str, str],
    metrics: WorkerMetrics,
) -> OutboxRelay:
    return OutboxRelay(
        database_url=database_url,
        outbox=outbox,
        amqp_url=amqp_url,
        exchange=exchanges[0],
        dead_letter_exchange=exchanges[1],
        poll_interval_seconds=0.05,
        reconnect_delay_seconds=0.01,
        metrics=metrics,
    )


def value(metrics: WorkerMetrics, name: str, **labels: str) -> float:
    sample = metrics.registry.get_sample_value(name, {"service": SERVICE, **labels})
    return 0.0 if sample is None else sample


async def write_events(
    sessionmaker: async_sessionmaker[AsyncSession], outbox: Outbox, count: int
) -> None:
    async with sessionmaker.begin() as session:
        for n in range(count):
            await EventRecorder(outbox).record(
                session, Thing(), ThingHappened(n=n), workspace_id=None, actor_id=None
            )


@asynccontextmanager
async def running(*components: OutboxRelay | EventConsumer) -> AsyncIterator[None]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(component.run(stop)) for component in components]
    try:
        yield
    finally:
        stop.set()
        async with asyncio.timeout(30):
            await asyncio.gather(*tasks)


@asynccontextmanager
async def monitoring(
    heartbeats: dict[str, Heartbeat], metrics: WorkerMetrics
) -> AsyncIterator[httpx.AsyncClient]:
    server = MonitoringServer(
        host="127.0.0.1",
        port=0,
        registry=metrics.registry,
        heartbeats=heartbeats,
        stall_seconds=STALL_SECONDS,
    )
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            yield client
    finally:
        await server.close()


async def test_the_outbox_backlog_its_age_and_the_queue_move_with_the_relay(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    metrics: WorkerMetrics,
    sampler: BacklogSampler,
    worksync_database_url: str,
    worksync_amqp_url: str,
    exchanges: tuple[str, str],
    queue_name: str,
    eventually: Eventually,
    declare_queue: QueueDeclarer,
) -> None:
    await declare_queue(["test.#"])
    await write_events(sessionmaker, outbox, 3)
    await sampler.sample()
    assert value(metrics, "worksync_outbox_unpublished_events") == 3
    assert value(metrics, "worksync_outbox_oldest_unpublished_age_seconds") > 0
    assert value(metrics, "worksync_queue_messages", queue=queue_name) == 0

    relay = relay_for(worksync_database_url, worksync_amqp_url, outbox, exchanges, metrics)
    try:
        assert await relay.publish_pending() == 3
    finally:
        await relay.close()
    assert value(metrics, "worksync_relay_published_events_total") == 3
    assert value(metrics, "worksync_relay_publish_duration_seconds_count") == 3
    assert value(metrics, "worksync_relay_publish_failures_total") == 0

    async def three_queued() -> bool:
        await sampler.sample()
        return value(metrics, "worksync_queue_messages", queue=queue_name) == 3

    await eventually(three_queued)
    assert value(metrics, "worksync_outbox_unpublished_events") == 0
    assert value(metrics, "worksync_outbox_oldest_unpublished_age_seconds") == 0
    dead = dead_queue_name(queue_name)
    assert value(metrics, "worksync_dead_letter_messages", queue=dead) == 0


async def test_a_failed_publish_is_counted(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    metrics: WorkerMetrics,
    worksync_database_url: str,
    exchanges: tuple[str, str],
) -> None:
    await write_events(sessionmaker, outbox, 1)
    relay = relay_for(worksync_database_url, UNREACHABLE_AMQP_URL, outbox, exchanges, metrics)
    try:
        assert await relay.publish_pending() == 0
    finally:
        await relay.close()
    assert value(metrics, "worksync_relay_publish_failures_total") == 1
    assert value(metrics, "worksync_relay_published_events_total") == 0


def consumer_for(
    sessionmaker: async_sessionmaker[AsyncSession],
    messaging: MessagingTables,
    amqp_url: str,
    exchanges: tuple[str, str],
    queue: str,
    handlers: dict[str, Handler],
    metrics: WorkerMetrics,
) -> EventConsumer:
    return EventConsumer(
        sessionmaker=sessionmaker,
        inbox=messaging.inbox,
        amqp_url=amqp_url,
        exchange=exchanges[0],
        dead_letter_exchange=exchanges[1],
        queue=queue,
        handlers=handlers,
        delivery_limit=DELIVERY_LIMIT,
        reconnect_delay_seconds=0.01,
        retry_delay_seconds=0.01,
        metrics=metrics,
        heartbeat_seconds=0.05,
    )


def event(event_type: str) -> CloudEvent:
    return CloudEvent(
        source="worksync/test", type=event_type, subject=str(new_id()), sequence=1, data={}
    )


async def publish(channel: AbstractChannel, exchange: str, body: bytes, routing_key: str) -> None:
    events = await channel.get_exchange(exchange, ensure=False)
    await events.publish(aio_pika.Message(body), routing_key=routing_key)


async def test_consumer_outcomes_handler_times_and_dead_letters_are_counted(
    sessionmaker: async_sessionmaker[AsyncSession],
    messaging: MessagingTables,
    effects: Table,
    metrics: WorkerMetrics,
    sampler: BacklogSampler,
    worksync_amqp_url: str,
    exchanges: tuple[str, str],
    queue_name: str,
    channel: AbstractChannel,
    eventually: Eventually,
    declare_queue: QueueDeclarer,
) -> None:
    async def record(session: AsyncSession, event: CloudEvent) -> None:
        await session.execute(effects.insert().values(event_id=event.id, event_type=event.type))

    async def fail(session: AsyncSession, event: CloudEvent) -> None:
        raise RuntimeError("a bug")

    consumer = consumer_for(
        sessionmaker,
        messaging,
        worksync_amqp_url,
        exchanges,
        queue_name,
        {"test.good.*": record, "test.bad.*": fail},
        metrics,
    )
    await declare_queue(list(consumer.handlers), delivery_limit=DELIVERY_LIMIT)
    good = event("test.good.happened").model_dump_json().encode()
    for body, key in (
        (good, "test.good.happened"),
        (good, "test.good.happened"),
        (event("test.bad.happened").model_dump_json().encode(), "test.bad.happened"),
        (b"not a cloud event", "test.good.happened"),
    ):
        await publish(channel, exchanges[0], body, key)

    dead = dead_queue_name(queue_name)

    async def two_dead() -> bool:
        await sampler.sample()
        return value(metrics, "worksync_dead_letter_messages", queue=dead) == 2

    async with running(consumer):
        await eventually(two_dead)

    def outcome(event_type: str, outcome: str) -> float:
        return value(
            metrics,
            "worksync_consumer_events_total",
            queue=queue_name,
            event_type=event_type,
            outcome=outcome,
        )

    assert outcome("test.good.happened", "processed") == 1
    assert outcome("test.good.happened", "duplicate") == 1
    # Delivered once, then again up to the delivery limit, failing every time.
    assert outcome("test.bad.happened", "failed") == DELIVERY_LIMIT + 1
    assert outcome("invalid", "rejected") == 1
    handled = {"queue": queue_name, "event_type": "test.good.happened"}
    assert value(metrics, "worksync_consumer_handler_duration_seconds_count", **handled) == 1
    assert value(metrics, "worksync_consumer_event_age_seconds_count", **handled) == 1
    assert value(metrics, "worksync_queue_messages", queue=queue_name) == 0


async def liveness(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get("/livez")


async def test_livez_fails_while_a_handler_hangs_and_recovers_after(
    sessionmaker: async_sessionmaker[AsyncSession],
    messaging: MessagingTables,
    metrics: WorkerMetrics,
    worksync_amqp_url: str,
    exchanges: tuple[str, str],
    queue_name: str,
    channel: AbstractChannel,
    eventually: Eventually,
) -> None:
    entered, release = asyncio.Event(), asyncio.Event()

    async def hang(session: AsyncSession, event: CloudEvent) -> None:
        entered.set()
        await release.wait()

    consumer = consumer_for(
        sessionmaker,
        messaging,
        worksync_amqp_url,
        exchanges,
        queue_name,
        {"test.slow.*": hang},
        metrics,
    )
    async with (
        monitoring({"consumer": consumer.heartbeat}, metrics) as client,
        running(consumer),
    ):

        async def consuming_and_live() -> bool:
            # Idle, the consumer's loop beats; it is alive however long nothing comes.
            await asyncio.sleep(STALL_SECONDS)
            return (await liveness(client)).status_code == 200

        await eventually(consuming_and_live)
        await publish(
            channel,
            exchanges[0],
            event("test.slow.happened").model_dump_json().encode(),
            "test.slow.happened",
        )
        await eventually(lambda: _is_set(entered))

        async def stalled() -> bool:
            response = await liveness(client)
            return response.status_code == 503 and response.json()["stalled"] == ["consumer"]

        await eventually(stalled)
        release.set()

        async def live_again() -> bool:
            return (await liveness(client)).status_code == 200

        await eventually(live_again)


async def _is_set(flag: asyncio.Event) -> bool:
    return flag.is_set()


async def test_livez_fails_while_the_relay_is_stuck_on_its_database(
    engine: AsyncEngine,
    outbox: Outbox,
    metrics: WorkerMetrics,
    worksync_database_url: str,
    worksync_amqp_url: str,
    exchanges: tuple[str, str],
    eventually: Eventually,
) -> None:
    relay = relay_for(worksync_database_url, worksync_amqp_url, outbox, exchanges, metrics)
    table = f'"{outbox.table.schema}"."{outbox.table.name}"'
    async with (
        monitoring({"relay": relay.heartbeat}, metrics) as client,
        running(relay),
    ):

        async def live() -> bool:
            return (await liveness(client)).status_code == 200

        await eventually(live)
        # Another transaction holds the outbox: the relay's next pass waits for it.
        async with engine.connect() as blocker:
            transaction = await blocker.begin()
            await blocker.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))

            async def stalled() -> bool:
                response = await liveness(client)
                return response.status_code == 503 and response.json()["stalled"] == ["relay"]

            await eventually(stalled)
            await transaction.rollback()
        await eventually(live)


async def test_the_monitoring_port_serves_metrics_and_nothing_else(
    metrics: WorkerMetrics,
) -> None:
    metrics.published.inc(2)
    heartbeats = {"relay": Heartbeat()}
    metrics.registry.register(HeartbeatCollector(SERVICE, heartbeats))
    async with monitoring(heartbeats, metrics) as client:
        scrape = await client.get("/metrics")
        assert scrape.status_code == 200
        assert scrape.headers["content-type"].startswith("text/plain")
        published = scraped(
            scrape.text, "worksync_relay_published_events_total", {"service": SERVICE}
        )
        assert published == 2
        assert "process_cpu_seconds_total" in scrape.text
        age = scraped(
            scrape.text,
            "worksync_worker_heartbeat_age_seconds",
            {"service": SERVICE, "loop": "relay"},
        )
        assert age is not None
        assert age < STALL_SECONDS
        assert (await client.get("/api/v1/anything")).status_code == 404
        assert (await client.post("/metrics")).status_code == 405
        live = await client.get("/livez")
        assert live.status_code == 200
        assert live.json()["status"] == "ok"


def scraped(exposition: str, name: str, labels: dict[str, str]) -> float | None:
    return next(
        (
            sample.value
            for family in text_string_to_metric_families(exposition)
            for sample in family.samples
            if sample.name == name and sample.labels == labels
        ),
        None,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_the_service_worker_serves_its_metrics_and_liveness_until_signalled(
    sessionmaker: async_sessionmaker[AsyncSession],
    messaging: MessagingTables,
    effects: Table,
    outbox: Outbox,
    worksync_database_url: str,
    worksync_amqp_url: str,
    exchanges: tuple[str, str],
    queue_name: str,
    eventually: Eventually,
    declare_queue: QueueDeclarer,
) -> None:
    async def record(session: AsyncSession, event: CloudEvent) -> None:
        await session.execute(effects.insert().values(event_id=event.id, event_type=event.type))

    port = free_port()
    settings = CommonSettings(
        environment=Environment.TEST,
        service_name=queue_name.removesuffix(".events"),
        host="127.0.0.1",
        metrics_port=port,
        database_url=worksync_database_url,
        database_pool_size=2,
        amqp_url=worksync_amqp_url,
        events_exchange=exchanges[0],
        dead_letter_exchange=exchanges[1],
        backlog_sample_interval_seconds=0.1,
    )
    worker = ServiceWorker(outbox=outbox, inbox=messaging.inbox, handlers={"test.thing.*": record})
    # Declared first, so that what the relay publishes before the consumer starts is kept.
    await declare_queue(list(worker.handlers), delivery_limit=settings.event_delivery_limit)
    await write_events(sessionmaker, outbox, 2)
    task = asyncio.create_task(worker.run(settings))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

            async def relayed_and_consumed() -> bool:
                try:
                    scrape = (await client.get("/metrics")).text
                except httpx.TransportError:
                    return False  # not listening yet
                processed = {
                    "service": settings.service_name,
                    "queue": queue_name,
                    "event_type": "test.thing.happened",
                    "outcome": "processed",
                }
                published = {"service": settings.service_name}
                return (
                    scraped(scrape, "worksync_consumer_events_total", processed) == 2
                    and scraped(scrape, "worksync_relay_published_events_total", published) == 2
                )

            await eventually(relayed_and_consumed)
            live = await client.get("/livez")
            assert live.status_code == 200
            assert set(live.json()["seconds_since_heartbeat"]) == {"relay", "consumer"}
    finally:
        os.kill(os.getpid(), signal.SIGTERM)
        async with asyncio.timeout(30):
            await task


async def test_a_queue_not_declared_yet_is_no_warning_and_is_sampled_once_declared(
    sampler: BacklogSampler,
    metrics: WorkerMetrics,
    queue_name: str,
    caplog: pytest.LogCaptureFixture,
    declare_queue: QueueDeclarer,
) -> None:
    with caplog.at_level(logging.INFO, logger="worksync.common.events.backlog"):
        await sampler.sample()
    # A worker's first sample often comes before its consumer declared the queues.
    assert [record.levelno for record in caplog.records] == [logging.INFO]
    assert "not declared yet" in caplog.records[0].getMessage()
    labels = {"service": SERVICE, "queue": queue_name}
    assert metrics.registry.get_sample_value("worksync_queue_messages", labels) is None

    await declare_queue(["test.thing.happened"])
    await sampler.sample()
    assert metrics.registry.get_sample_value("worksync_queue_messages", labels) == 0
