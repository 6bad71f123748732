"""What the operator tools know of each service, and how they find the services installed.

Each service describes itself once, in `worksync.<package>.messaging.republish`, as
`OPERATIONS = ServiceOperations(...)`: its settings (where its database is), its outbox, the
aggregate types it can republish and the projections it can rebuild. The tools import that
module of every `worksync.*` package installed beside the kit, so the kit names no service,
and an image holding one service's code knows that service only.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

import worksync
from worksync.common.config import CommonSettings
from worksync.common.directory.tables import DirectoryTables
from worksync.common.events.outbox import Outbox

OPERATIONS_MODULE = "messaging.republish"
OPERATIONS_NAME = "OPERATIONS"

RecordSnapshots = Callable[[AsyncSession, Sequence[Any]], Awaitable[None]]
"""Records the snapshot event(s) of each row of one batch, each event inside
`at_current_version(row)`, through the service's own `recording.py` functions."""


@dataclass(frozen=True)
class AggregateType:
    """Rows of one aggregate type whose current state a service can publish again."""

    # As in the events' types: `workspace.project` for `workspace.project.updated`.
    name: str
    # The ORM class of the rows: an `id` (the events' subject) and a `version` (their sequence).
    rows: type[Any]
    # The column naming the rows' workspace, for `--workspace`.
    workspace_column: InstrumentedAttribute[Any]
    record: RecordSnapshots
    # Only rows matching it are republished (finished entries: a running timer has no
    # entry event to repeat).
    where: ColumnElement[bool] | None = None


@dataclass(frozen=True)
class Projection:
    """Tables a service fills from other services' events, cleared together by `rebuild`."""

    name: str
    tables: Sequence[Table]
    # The aggregate types whose republishing refills it, in the order to republish them.
    refilled_by: Sequence[str]


DIRECTORY_REFILLED_BY = (
    "workspace.workspace",
    "workspace.member",
    "workspace.project",
    "workspace.project_member",
)


def directory_projection(tables: DirectoryTables) -> Projection:
    """The kit's membership and project directory, as a consuming service keeps it."""
    return Projection(
        "directory",
        (tables.workspaces, tables.members, tables.projects, tables.project_members),
        DIRECTORY_REFILLED_BY,
    )


@dataclass(frozen=True)
class ServiceOperations:
    # The service's settings class (read from the environment when the tools ask).
    settings: Callable[[], CommonSettings]
    outbox: Outbox
    aggregates: Sequence[AggregateType] = ()
    projections: Sequence[Projection] = ()

    def current_settings(self) -> CommonSettings:
        """The service's settings as its processes read them (`<PREFIX>_*`, `WORKSYNC_*`)."""
        return self.settings()

    @property
    def name(self) -> str:
        return self.current_settings().service_name

    def aggregate(self, name: str) -> AggregateType | None:
        return next((aggregate for aggregate in self.aggregates if aggregate.name == name), None)

    def projection(self, name: str) -> Projection | None:
        return next((found for found in self.projections if found.name == name), None)


def installed_services() -> dict[str, ServiceOperations]:
    """Every installed service's `OPERATIONS`, by service name."""
    found: dict[str, ServiceOperations] = {}
    for package in sorted(module.name for module in pkgutil.iter_modules(worksync.__path__)):
        module_name = f"worksync.{package}.{OPERATIONS_MODULE}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            # Only the module's own absence means "no such service"; a broken import is a bug.
            if missing.name is not None and f"{module_name}.".startswith(f"{missing.name}."):
                continue
            raise
        operations = getattr(module, OPERATIONS_NAME)
        found[operations.name] = operations
    return found


def owner_of(services: Mapping[str, ServiceOperations], aggregate_type: str) -> ServiceOperations:
    """The service that republishes `aggregate_type`; `LookupError` naming those known."""
    for service in services.values():
        if service.aggregate(aggregate_type) is not None:
            return service
    known = sorted(a.name for service in services.values() for a in service.aggregates)
    raise LookupError(f"no service republishes {aggregate_type!r}; known: {', '.join(known)}")
