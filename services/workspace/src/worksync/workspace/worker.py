"""`python -m worksync.workspace.worker`: the outbox relay and the identity-event consumer."""

from __future__ import annotations

from worksync.common.events.worker import ServiceWorker
from worksync.workspace.config import WorkspaceSettings
from worksync.workspace.messaging.handlers import HANDLERS
from worksync.workspace.messaging.published import outbox
from worksync.workspace.models import idempotency_keys, messaging

# Reads identity's user events into the users projection (queue `workspace.events`).
WORKER = ServiceWorker(outbox, messaging.inbox, HANDLERS, idempotency_keys)


def main() -> None:
    WORKER.main(WorkspaceSettings())


if __name__ == "__main__":
    main()
