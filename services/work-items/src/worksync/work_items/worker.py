"""`python -m worksync.work_items.worker`: the outbox relay and the event consumer."""

from __future__ import annotations

from worksync.common.events.worker import ServiceWorker
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.messaging.handlers import HANDLERS
from worksync.work_items.messaging.published import outbox
from worksync.work_items.models import idempotency_keys, messaging

# Reads workspace events (the directory, default states) and time-tracking entries (logged
# minutes) from the queue `work-items.events`.
WORKER = ServiceWorker(outbox, messaging.inbox, HANDLERS, idempotency_keys)


def main() -> None:
    WORKER.main(WorkItemsSettings())


if __name__ == "__main__":
    main()
