"""`python -m worksync.identity.worker`: the outbox relay and the workspace-event consumer."""

from __future__ import annotations

from worksync.common.events.worker import ServiceWorker
from worksync.identity.config import IdentitySettings
from worksync.identity.messaging.handlers import HANDLERS
from worksync.identity.messaging.published import outbox
from worksync.identity.models import idempotency_keys, messaging

# Reads the workspace-membership events into the projection (queue `identity.events`).
WORKER = ServiceWorker(outbox, messaging.inbox, HANDLERS, idempotency_keys)


def main() -> None:
    WORKER.main(IdentitySettings())


if __name__ == "__main__":
    main()
