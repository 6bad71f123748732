"""A service's worker process: its outbox relay and its event consumer, run side by side.

Each service describes its worker once, from its own outbox, inbox and handlers::

    WORKER = ServiceWorker(
        outbox=outbox, inbox=messaging.inbox, handlers=HANDLERS, idempotency_keys=keys
    )

    if __name__ == "__main__":
        WORKER.main(TimetrackingSettings())

and `python -m worksync.<service>.worker` relays, consumes and purges expired inbox rows
and idempotency keys until SIGINT or SIGTERM. Its monitoring port (`monitoring_port`)
serves `/metrics` and `/livez`, which fails when the relay or the consumer stalls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import uvloop
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings
from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.events.backlog import BacklogSampler
from worksync.common.events.consumer import EventConsumer
from worksync.common.events.handlers import Handler
from worksync.common.events.housekeeping import Housekeeper
from worksync.common.events.outbox import Outbox
from worksync.common.events.relay import OutboxRelay
from worksync.common.events.runner import Runnable, run_until_signalled
from worksync.common.metrics import PoolCollector, WorkerMetrics
from worksync.common.monitoring import HeartbeatCollector, MonitoringServer
from worksync.common.serving import settle_start_up_heap
from worksync.common.telemetry import configure_logging, configure_tracing

ServiceLoops = Callable[[CommonSettings, async_sessionmaker[AsyncSession]], Sequence[Runnable]]
"""A service's own loops, run beside the kit's (e.g. timetracking's auto-stop)."""


@dataclass(frozen=True)
class ServiceWorker:
    outbox: Outbox
    inbox: Table
    # Event type (or topic pattern) -> handler; the consumer's queue is bound to these keys.
    handlers: Mapping[str, Handler]
    # The service's idempotency keys, purged past their lifetime (None: it keeps none).
    idempotency_keys: Table | None = None
    service_loops: ServiceLoops | None = None

    def relay(self, settings: CommonSettings, metrics: WorkerMetrics | None = None) -> OutboxRelay:
        return OutboxRelay(
            database_url=settings.database_url,
            outbox=self.outbox,
            amqp_url=settings.amqp_url,
            exchange=settings.events_exchange,
            dead_letter_exchange=settings.dead_letter_exchange,
            metrics=metrics,
        )

    def consumer(
        self,
        settings: CommonSettings,
        sessionmaker: async_sessionmaker[AsyncSession],
        metrics: WorkerMetrics | None = None,
    ) -> EventConsumer:
        """Reads the handled event types from the service's queue, `<service>.events`."""
        return EventConsumer(
            sessionmaker=sessionmaker,
            inbox=self.inbox,
            amqp_url=settings.amqp_url,
            exchange=settings.events_exchange,
            dead_letter_exchange=settings.dead_letter_exchange,
            queue=settings.events_queue,
            handlers=self.handlers,
            delivery_limit=settings.event_delivery_limit,
            metrics=metrics,
        )

    def housekeeper(
        self, settings: CommonSettings, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> Housekeeper:
        return Housekeeper(
            sessionmaker,
            inbox=self.inbox,
            idempotency_keys=self.idempotency_keys,
            inbox_retention=timedelta(hours=settings.inbox_retention_hours),
            interval_seconds=settings.housekeeping_interval_seconds,
        )

    def backlog_sampler(
        self,
        settings: CommonSettings,
        sessionmaker: async_sessionmaker[AsyncSession],
        metrics: WorkerMetrics,
    ) -> BacklogSampler:
        return BacklogSampler(
            sessionmaker,
            outbox=self.outbox,
            amqp_url=settings.amqp_url,
            queue=settings.events_queue,
            metrics=metrics,
            interval_seconds=settings.backlog_sample_interval_seconds,
        )

    async def run(self, settings: CommonSettings) -> None:
        """Relay, consume, keep house and serve monitoring until SIGINT or SIGTERM."""
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        sessionmaker = create_sessionmaker(engine)
        metrics = WorkerMetrics(settings.service_name)
        metrics.registry.register(PoolCollector(settings.service_name, lambda: {"default": engine}))
        relay = self.relay(settings, metrics)
        consumer = self.consumer(settings, sessionmaker, metrics)
        heartbeats = {"relay": relay.heartbeat, "consumer": consumer.heartbeat}
        metrics.registry.register(HeartbeatCollector(settings.service_name, heartbeats))
        monitoring = MonitoringServer(
            host=settings.host,
            port=settings.monitoring_port,
            registry=metrics.registry,
            heartbeats=heartbeats,
            stall_seconds=settings.worker_stall_seconds,
        )
        try:
            await run_until_signalled(
                relay,
                consumer,
                self.housekeeper(settings, sessionmaker),
                self.backlog_sampler(settings, sessionmaker, metrics),
                monitoring,
                *(self.service_loops(settings, sessionmaker) if self.service_loops else ()),
            )
        finally:
            await engine.dispose()

    def main(self, settings: CommonSettings) -> None:
        settings.refuse_unsafe_start()
        configure_logging(settings)
        configure_tracing(settings)
        settle_start_up_heap()
        # uvloop, as the APIs run on: a worker's time goes to socket writes (acks, publishes,
        # statements), which its transports make several times cheaper than asyncio's.
        uvloop.run(self.run(settings))
