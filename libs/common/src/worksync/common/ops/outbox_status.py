"""Each service's outbox backlog and its consumer's lag, read once, for an operator.

The backlog is one indexed query per service (`ix_outbox_unpublished`); the lag comes from a
passive declaration of the service's queue and dead queue, which any AMQP client may make
(no management plugin): it tells the messages *ready* for the consumer and how many
consumers are attached. What consumers hold unacknowledged is not in AMQP's answer; the
management API (`rabbitmqctl list_queues name messages_unacknowledged`) has it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import aio_pika
from sqlalchemy import func, select

from worksync.common.db import create_engine
from worksync.common.events.topology import dead_queue_name
from worksync.common.ops.services import ServiceOperations

CONNECT_TIMEOUT_SECONDS = 10
QUERY_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class OutboxBacklog:
    unpublished: int
    oldest_age_seconds: float | None
    # Unpublished rows the relay already failed to publish, and the newest reason.
    failed_attempts: int
    last_error: str | None


@dataclass(frozen=True)
class QueueDepth:
    queue: str
    ready: int
    consumers: int
    dead: int


@dataclass(frozen=True)
class ServiceStatus:
    service: str
    schema: str
    outbox: OutboxBacklog | None
    queue: QueueDepth | None
    # What could not be read (the database or the broker not answering), by part.
    errors: dict[str, str]


async def outbox_backlog(database_url: str, service: ServiceOperations) -> OutboxBacklog:
    table = service.outbox.table
    unpublished = table.c.published_at.is_(None)
    query = select(
        func.count(),
        func.extract("epoch", func.now() - func.min(table.c.created_at)),
        func.count().filter(table.c.attempts > 0),
    ).where(unpublished)
    last_error = (
        select(table.c.last_error)
        .where(unpublished, table.c.last_error.is_not(None))
        .order_by(table.c.created_at.desc())
        .limit(1)
    )
    engine = create_engine(database_url, pool_size=1)
    try:
        async with asyncio.timeout(QUERY_TIMEOUT_SECONDS), engine.connect() as connection:
            count, age, failed = (await connection.execute(query)).one()
            error = await connection.scalar(last_error)
    finally:
        await engine.dispose()
    return OutboxBacklog(
        unpublished=count,
        oldest_age_seconds=None if age is None else max(float(age), 0.0),
        failed_attempts=failed,
        last_error=error,
    )


async def queue_depth(amqp_url: str, queue: str) -> QueueDepth:
    async with (
        asyncio.timeout(QUERY_TIMEOUT_SECONDS),
        await aio_pika.connect(amqp_url, timeout=CONNECT_TIMEOUT_SECONDS) as connection,
    ):
        counts = []
        for name in (queue, dead_queue_name(queue)):
            # A channel each: a missing queue closes the channel it was asked on.
            channel = await connection.channel()
            declared = await channel.declare_queue(name, passive=True)
            counts.append(declared.declaration_result)
            await channel.close()
    main, dead = counts
    return QueueDepth(
        queue=queue,
        ready=main.message_count or 0,
        consumers=main.consumer_count or 0,
        dead=dead.message_count or 0,
    )


async def service_status(
    service: ServiceOperations, *, database_url: str | None, amqp_url: str | None
) -> ServiceStatus:
    settings = service.current_settings()
    errors: dict[str, str] = {}
    backlog: OutboxBacklog | None = None
    depth: QueueDepth | None = None
    try:
        backlog = await outbox_backlog(database_url or settings.database_url, service)
    except Exception as exc:  # reported per service; the others are still worth reading
        errors["database"] = _one_line(exc)
    try:
        depth = await queue_depth(amqp_url or settings.amqp_url, settings.events_queue)
    except Exception as exc:  # the broker away, or the queue never declared
        errors["broker"] = _one_line(exc)
    return ServiceStatus(
        service=service.name,
        schema=service.outbox.table.schema or "public",
        outbox=backlog,
        queue=depth,
        errors=errors,
    )


def _one_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def as_json(statuses: Sequence[ServiceStatus]) -> list[dict[str, object]]:
    return [asdict(status) for status in statuses]


def as_table(statuses: Sequence[ServiceStatus]) -> str:
    header = ("service", "backlog", "oldest_s", "failing", "queue", "ready", "consumers", "dead")
    lines = ["\t".join(header)]
    notes = []
    for status in statuses:
        backlog, depth = status.outbox, status.queue
        age = backlog.oldest_age_seconds if backlog else None
        lines.append(
            "\t".join(
                (
                    status.service,
                    str(backlog.unpublished) if backlog else "?",
                    "-" if age is None else f"{age:.1f}",
                    str(backlog.failed_attempts) if backlog else "?",
                    depth.queue if depth else "?",
                    str(depth.ready) if depth else "?",
                    str(depth.consumers) if depth else "?",
                    str(depth.dead) if depth else "?",
                )
            )
        )
        if backlog and backlog.last_error:
            notes.append(f"{status.service}: relay's last error: {backlog.last_error}")
        notes += [f"{status.service}: {part}: {error}" for part, error in status.errors.items()]
    return "\n".join(lines + notes)
