"""`python -m worksync.timetracking.worker`: the outbox relay, the event consumer and the
timers' auto-stop."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings
from worksync.common.events.worker import ServiceWorker
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.messaging.handlers import HANDLERS
from worksync.timetracking.messaging.published import outbox
from worksync.timetracking.models import idempotency_keys, messaging
from worksync.timetracking.timers.auto_stop import AutoStopper


def auto_stop(
    settings: CommonSettings, sessionmaker: async_sessionmaker[AsyncSession]
) -> list[AutoStopper]:
    """Timers past their user's limit are stopped beside the kit's loops."""
    interval = (
        settings.auto_stop_interval_seconds if isinstance(settings, TimetrackingSettings) else 30.0
    )
    return [AutoStopper(sessionmaker, interval)]


# Reads workspace events into the directory, issue events into the issue projection, team
# events into the teams projection and client events into the clients projection (queue
# `timetracking.events`).
WORKER = ServiceWorker(outbox, messaging.inbox, HANDLERS, idempotency_keys, auto_stop)


def main() -> None:
    WORKER.main(TimetrackingSettings())


if __name__ == "__main__":
    main()
