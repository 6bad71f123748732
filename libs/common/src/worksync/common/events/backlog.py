"""Sampling what a worker cannot count as it goes: its outbox backlog and its queues' depth.

Every few seconds (`backlog_sample_interval_seconds`), not per scrape, so that the cost
stays one indexed query (`ix_outbox_unpublished`) and two passive queue declarations
whoever scrapes how often. A failed sample keeps the last values and is logged; it never
ends the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection
from aio_pika.exceptions import ChannelNotFoundEntity
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.outbox import Outbox
from worksync.common.events.runner import wait_for_any
from worksync.common.events.topology import dead_queue_name
from worksync.common.metrics import WorkerMetrics

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10
SAMPLE_TIMEOUT_SECONDS = 10.0


class BacklogSampler:
    """Sets the outbox backlog and oldest-event age, and the message counts of the
    consumer's queue (its lag) and dead queue, in `metrics`."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        outbox: Outbox,
        amqp_url: str,
        queue: str,
        metrics: WorkerMetrics,
        interval_seconds: float,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.outbox = outbox
        self.amqp_url = amqp_url
        self.queue = queue
        self.metrics = metrics
        self.interval_seconds = interval_seconds
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                await self.sample()
                await wait_for_any(stop, at_most_seconds=self.interval_seconds)
        finally:
            await self._disconnect()

    async def sample(self) -> None:
        """One sample of the outbox and of the queues; failures are logged."""
        try:
            async with asyncio.timeout(SAMPLE_TIMEOUT_SECONDS):
                await self.sample_outbox()
        except Exception as exc:  # metrics can wait; the worker goes on
            logger.warning("sampling the outbox backlog failed: %r", exc)
        try:
            async with asyncio.timeout(SAMPLE_TIMEOUT_SECONDS):
                await self.sample_queues()
        except ChannelNotFoundEntity:
            # The consumer declares its queues as it connects, often after the first sample.
            logger.info("%s is not declared yet; its depth is sampled once it is", self.queue)
            await self._disconnect()
        except Exception as exc:  # the broker away
            logger.warning("sampling the depth of %s failed: %r", self.queue, exc)
            await self._disconnect()

    async def sample_outbox(self) -> None:
        table = self.outbox.table
        oldest = func.min(table.c.created_at)
        query = select(
            func.count(),
            func.coalesce(func.extract("epoch", func.now() - oldest), 0),
        ).where(table.c.published_at.is_(None))
        async with self.sessionmaker() as session:
            count, age = (await session.execute(query)).one()
        self.metrics.outbox_backlog.set(count)
        self.metrics.outbox_oldest_age.set(max(float(age), 0.0))

    async def sample_queues(self) -> None:
        channel = await self._connected_channel()
        dead_queue = dead_queue_name(self.queue)
        for name, gauge in (
            (self.queue, self.metrics.queue_messages),
            (dead_queue, self.metrics.dead_letters),
        ):
            # Passive: reads the queue's counts, declares nothing (a missing queue fails).
            declared = await channel.declare_queue(name, passive=True)
            count = declared.declaration_result.message_count or 0
            gauge.labels(self.metrics.service, name).set(count)

    async def _connected_channel(self) -> AbstractChannel:
        if self._channel is not None and not self._channel.is_closed:
            return self._channel
        if self._connection is None or self._connection.is_closed:
            self._connection = await aio_pika.connect(
                self.amqp_url, timeout=CONNECT_TIMEOUT_SECONDS
            )
        self._channel = await self._connection.channel()
        return self._channel

    async def _disconnect(self) -> None:
        connection = self._connection
        self._connection, self._channel = None, None
        if connection is not None and not connection.is_closed:
            with contextlib.suppress(Exception):  # it is going away either way
                await connection.close()
