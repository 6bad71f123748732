"""`python -m worksync.timetracking.worker`: the outbox relay and the event consumer."""

from __future__ import annotations

from worksync.common.events.worker import ServiceWorker
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.messaging.handlers import HANDLERS
from worksync.timetracking.messaging.published import outbox
from worksync.timetracking.models import messaging

# Reads workspace events into the directory and issue events into the issue projection
# (queue `timetracking.events`).
WORKER = ServiceWorker(outbox=outbox, inbox=messaging.inbox, handlers=HANDLERS)


def main() -> None:
    WORKER.main(TimetrackingSettings())


if __name__ == "__main__":
    main()
