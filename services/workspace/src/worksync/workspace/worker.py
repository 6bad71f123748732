"""`python -m worksync.workspace.worker`: the outbox relay, the identity-event consumer and the
periodic republish of what other services project."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings
from worksync.common.events.worker import ServiceWorker
from worksync.common.ops.republish import PeriodicRepublish
from worksync.workspace.config import WorkspaceSettings
from worksync.workspace.messaging.handlers import HANDLERS
from worksync.workspace.messaging.published import outbox
from worksync.workspace.messaging.republish import OPERATIONS
from worksync.workspace.models import idempotency_keys, messaging


def republish_periodically(
    settings: CommonSettings, sessionmaker: async_sessionmaker[AsyncSession]
) -> list[PeriodicRepublish]:
    """Reconciles the other services' directories (and teams, clients and staff) with this one:
    a consumer that lost an event takes the row's current version at the next round."""
    hours = settings.republish_interval_hours if isinstance(settings, WorkspaceSettings) else 24.0
    return [
        PeriodicRepublish(
            sessionmaker,
            OPERATIONS.aggregates,
            interval_seconds=hours * 3600,
            lock_name="workspace.periodic_republish",
        )
    ]


# Reads identity's user events into the users projection (queue `workspace.events`).
WORKER = ServiceWorker(outbox, messaging.inbox, HANDLERS, idempotency_keys, republish_periodically)


def main() -> None:
    WORKER.main(WorkspaceSettings())


if __name__ == "__main__":
    main()
