"""`python -m worksync.timetracking.worker`: the outbox relay, the event consumer and the
timers' auto-stop."""

from __future__ import annotations

from dataclasses import dataclass

from worksync.common.config import CommonSettings
from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.events.runner import run_until_signalled
from worksync.common.events.worker import ServiceWorker
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.messaging.handlers import HANDLERS
from worksync.timetracking.messaging.published import outbox
from worksync.timetracking.models import messaging
from worksync.timetracking.timers.auto_stop import AutoStopper


@dataclass(frozen=True)
class TimetrackingWorker(ServiceWorker):
    """The kit's worker, with the auto-stop beside the relay, consumer and housekeeper."""

    async def run(self, settings: CommonSettings) -> None:
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        sessionmaker = create_sessionmaker(engine)
        interval = (
            settings.auto_stop_interval_seconds
            if isinstance(settings, TimetrackingSettings)
            else 30.0
        )
        try:
            await run_until_signalled(
                self.relay(settings),
                self.consumer(settings, sessionmaker),
                self.housekeeper(settings, sessionmaker),
                AutoStopper(sessionmaker, interval),
            )
        finally:
            await engine.dispose()


# Reads workspace events into the directory, issue events into the issue projection and
# team events into the teams projection (queue `timetracking.events`).
WORKER = TimetrackingWorker(outbox=outbox, inbox=messaging.inbox, handlers=HANDLERS)


def main() -> None:
    WORKER.main(TimetrackingSettings())


if __name__ == "__main__":
    main()
