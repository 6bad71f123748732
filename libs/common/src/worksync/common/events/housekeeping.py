"""Forgetting what protects nothing any more, so that the kit's tables do not grow forever.

An inbox row guards against a second delivery of its event; past the horizon within which
the broker or the relay could deliver it again, it only costs space. An idempotency key past
its lifetime is already treated as unused by `idempotent`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.runner import wait_for_any
from worksync.common.idempotency import KEY_LIFETIME

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    inbox: int
    idempotency_keys: int


async def _delete_counting(
    session: AsyncSession, table: Table, condition: ColumnElement[bool]
) -> int:
    key = next(iter(table.primary_key.columns))
    gone = delete(table).where(condition).returning(key).cte("gone")
    return (await session.execute(select(func.count()).select_from(gone))).scalar_one()


async def purge_expired(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    inbox: Table,
    idempotency_keys: Table | None,
    inbox_retention: timedelta,
) -> Purged:
    """Delete inbox rows older than `inbox_retention` and idempotency keys older than their
    lifetime, by the database's clock (the one that stamped them)."""
    async with sessionmaker() as session, session.begin():
        inbox_purged = await _delete_counting(
            session, inbox, inbox.c.received_at < func.now() - inbox_retention
        )
        keys_purged = 0
        if idempotency_keys is not None:
            keys_purged = await _delete_counting(
                session,
                idempotency_keys,
                idempotency_keys.c.created_at < func.now() - KEY_LIFETIME,
            )
    return Purged(inbox=inbox_purged, idempotency_keys=keys_purged)


class Housekeeper:
    """Runs `purge_expired` now and then every `interval_seconds` until stopped; a failed
    run (the database away) is logged and tried again at the next interval."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        inbox: Table,
        idempotency_keys: Table | None,
        inbox_retention: timedelta,
        interval_seconds: float,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.inbox = inbox
        self.idempotency_keys = idempotency_keys
        self.inbox_retention = inbox_retention
        self.interval_seconds = interval_seconds

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                purged = await purge_expired(
                    self.sessionmaker,
                    inbox=self.inbox,
                    idempotency_keys=self.idempotency_keys,
                    inbox_retention=self.inbox_retention,
                )
            except Exception as exc:  # housekeeping can wait; it must not end the worker
                logger.warning("purging expired inbox rows and keys failed: %r", exc)
            else:
                logger.info(
                    "purged %d inbox rows and %d idempotency keys",
                    purged.inbox,
                    purged.idempotency_keys,
                )
            await wait_for_any(stop, at_most_seconds=self.interval_seconds)
