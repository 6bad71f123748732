"""`python -m worksync.resources.worker`: the outbox relay and the event consumer."""

from __future__ import annotations

from worksync.common.events.worker import ServiceWorker
from worksync.resources.config import ResourcesSettings
from worksync.resources.messaging.handlers import HANDLERS
from worksync.resources.messaging.published import outbox
from worksync.resources.models import idempotency_keys, messaging

# Reads workspace and timetracking events (queue `resources.events`).
WORKER = ServiceWorker(outbox, messaging.inbox, HANDLERS, idempotency_keys)


def main() -> None:
    WORKER.main(ResourcesSettings())


if __name__ == "__main__":
    main()
