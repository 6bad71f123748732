"""Inspecting and replaying a service's dead-letter queue, for operators.

    python -m worksync.common.ops deadletters list    --queue timetracking.events
    python -m worksync.common.ops deadletters show    --queue timetracking.events --id <id>
    python -m worksync.common.ops deadletters replay  --queue timetracking.events [--id <id>]
    python -m worksync.common.ops deadletters purge   --queue timetracking.events [--id <id>]

`--queue` names the service's queue; its dead queue is `<queue>.dead`. The broker is
`WORKSYNC_AMQP_URL` (or `--amqp-url`). Replaying publishes a message straight to the
service's queue (not to the exchange: other services already have it), with publisher
confirms, and only then removes the dead copy; should the tool die in between, the
service's inbox still applies the event once.

Browsing takes the dead messages without settling them and hands them back when done,
so listing changes nothing but their redelivery count.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractIncomingMessage,
    AbstractQueue,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from worksync.common.events.topology import dead_queue_name

# Headers the broker writes about a message's deliveries and deaths; a replay starts afresh.
BROKER_HEADERS = ("x-death", "x-delivery-count")
BROKER_HEADER_PREFIXES = ("x-first-death-", "x-last-death-")
CONNECT_TIMEOUT_SECONDS = 10


class DeadLetterSettings(BaseSettings):
    """Only what the tool needs, so it runs without a service's secrets."""

    model_config = SettingsConfigDict(env_prefix="WORKSYNC_", extra="ignore")

    amqp_url: str = "amqp://guest:guest@localhost:5672/"


@dataclass(frozen=True)
class DeadLetter:
    """One dead message as an operator sees it."""

    id: str
    event_type: str | None
    reason: str | None
    dead_since: datetime | None
    deaths: int
    headers: dict[str, Any]
    body: bytes

    def summary(self) -> str:
        since = self.dead_since.isoformat() if self.dead_since else "-"
        return f"{self.id}\t{self.event_type or '-'}\t{self.reason or '-'}\t{self.deaths}\t{since}"

    def details(self) -> str:
        try:
            body: Any = json.loads(self.body)
        except ValueError:
            body = self.body.decode(errors="replace")
        headers = json.loads(json.dumps(self.headers, default=str))
        return json.dumps(
            {"id": self.id, "reason": self.reason, "headers": headers, "body": body},
            indent=2,
            default=str,
        )


def _envelope_field(message: AbstractIncomingMessage, name: str) -> str | None:
    try:
        value = json.loads(message.body).get(name)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def message_id(message: AbstractIncomingMessage) -> str:
    """The event's id (the relay's message id), else a digest of the body."""
    return (
        message.message_id
        or _envelope_field(message, "id")
        or "sha256:" + hashlib.sha256(message.body).hexdigest()[:16]
    )


def _dead_letter(message: AbstractIncomingMessage) -> DeadLetter:
    headers = dict(message.headers)
    deaths = headers.get("x-death")
    last: dict[str, Any] = {}
    count = 0
    if isinstance(deaths, list) and deaths and isinstance(deaths[0], dict):
        last = deaths[0]
        counts = [d.get("count") for d in deaths if isinstance(d, dict)]
        count = sum(c for c in counts if isinstance(c, int))
    reason = last.get("reason")
    since = last.get("time")
    return DeadLetter(
        id=message_id(message),
        event_type=message.type or _envelope_field(message, "type"),
        reason=reason.decode() if isinstance(reason, bytes) else reason,
        dead_since=since if isinstance(since, datetime) else None,
        deaths=count,
        headers=headers,
        body=message.body,
    )


class NoSuchDeadLetter(LookupError):
    pass


class DeadLetters:
    """The dead queue of one service's queue. Each operation works on a channel of its own
    and closes it when done, which hands back every message it took but did not settle."""

    def __init__(self, connection: AbstractConnection, queue: str) -> None:
        self.connection = connection
        self.queue = queue
        self.dead_queue = dead_queue_name(queue)

    @asynccontextmanager
    async def _taken(self) -> AsyncIterator[Taken]:
        channel = await self.connection.channel(publisher_confirms=True)
        try:
            # Passive: a dead queue that does not exist is an error, not created here.
            dead = await channel.declare_queue(self.dead_queue, passive=True)
            yield Taken(channel, dead, dead.declaration_result.message_count or 0)
        finally:
            await channel.close()

    async def browse(self) -> list[DeadLetter]:
        async with self._taken() as taken:
            return [_dead_letter(message) async for message in taken]

    async def show(self, wanted: str) -> DeadLetter:
        async with self._taken() as taken:
            async for message in taken:
                if message_id(message) == wanted:
                    return _dead_letter(message)
        raise NoSuchDeadLetter(wanted)

    async def replay(self, wanted: str | None = None) -> list[str]:
        """Move the message `wanted` (every message when None) back to the service's queue."""
        replayed: list[str] = []
        async with self._taken() as taken:
            async for message in taken:
                if wanted is not None and message_id(message) != wanted:
                    continue
                # Confirmed (and routed: `mandatory`) before the dead copy goes.
                await taken.channel.default_exchange.publish(
                    _fresh_copy(message), routing_key=self.queue, mandatory=True
                )
                await message.ack()
                replayed.append(message_id(message))
                if wanted is not None:
                    return replayed
        if wanted is not None:
            raise NoSuchDeadLetter(wanted)
        return replayed

    async def purge(self, wanted: str | None = None) -> int:
        """Drop the message `wanted`, or every dead message; the number dropped."""
        async with self._taken() as taken:
            if wanted is None:
                result = await taken.queue.purge()
                return int(result.message_count or 0)
            async for message in taken:
                if message_id(message) == wanted:
                    await message.ack()
                    return 1
        raise NoSuchDeadLetter(wanted)


@dataclass
class Taken:
    """The messages in a dead queue when the operation began (not those arriving since),
    taken one by one without settling them."""

    channel: AbstractChannel
    queue: AbstractQueue
    remaining: int

    def __aiter__(self) -> AsyncIterator[AbstractIncomingMessage]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[AbstractIncomingMessage]:
        while self.remaining > 0:
            message = await self.queue.get(no_ack=False, fail=False)
            if message is None:
                return
            self.remaining -= 1
            yield message


def _fresh_copy(message: AbstractIncomingMessage) -> aio_pika.Message:
    headers = {
        key: value
        for key, value in message.headers.items()
        if key not in BROKER_HEADERS and not key.startswith(BROKER_HEADER_PREFIXES)
    }
    return aio_pika.Message(
        message.body,
        headers=headers,
        content_type=message.content_type,
        message_id=message.message_id,
        type=message.type,
        app_id=message.app_id,
        timestamp=message.timestamp,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


@asynccontextmanager
async def dead_letters(amqp_url: str, queue: str) -> AsyncIterator[DeadLetters]:
    """A `DeadLetters` on a connection of its own."""
    async with await aio_pika.connect(amqp_url, timeout=CONNECT_TIMEOUT_SECONDS) as connection:
        yield DeadLetters(connection, queue)


async def run(
    command: str, *, queue: str, message_id: str | None, amqp_url: str | None, out: TextIO
) -> int:
    """Carry out `list`, `show`, `replay` or `purge`; the process's exit status."""
    url = amqp_url or DeadLetterSettings().amqp_url
    queue = queue.removesuffix(".dead")
    try:
        async with dead_letters(url, queue) as letters:
            return await _carry_out(command, message_id, letters, out)
    except aio_pika.exceptions.ChannelNotFoundEntity:
        out.write(f"no queue {dead_queue_name(queue)} on the broker\n")
        return 2


async def _carry_out(
    command: str, message_id: str | None, letters: DeadLetters, out: TextIO
) -> int:
    try:
        if command == "list":
            out.write("id\ttype\treason\tdeaths\tdead since\n")
            out.writelines(letter.summary() + "\n" for letter in await letters.browse())
        elif command == "show":
            assert message_id is not None, "the command line asks for --id"
            out.write((await letters.show(message_id)).details() + "\n")
        elif command == "replay":
            replayed = await letters.replay(message_id)
            out.write(f"replayed {len(replayed)} message(s) to {letters.queue}\n")
        else:
            dropped = await letters.purge(message_id)
            out.write(f"purged {dropped} message(s) from {letters.dead_queue}\n")
    except NoSuchDeadLetter as missing:
        out.write(f"no dead message {missing} in {letters.dead_queue}\n")
        return 1
    return 0
