"""What the operator tools may republish from timetracking, and which of its projections they
may rebuild (`python -m worksync.common.ops republish timetracking.entry`, `... rebuild
timetracking issues`).

An entry's snapshot is `timetracking.entry.updated` as `recording.py` records it: the
finished entry as it is now. Deleted entries are gone (their rows with them) and running
timers have no entry event yet, so neither is republished.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.ops.republish import at_current_version
from worksync.common.ops.services import (
    AggregateType,
    Projection,
    ServiceOperations,
    directory_projection,
)
from worksync.common.repository import orm_table
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.messaging.published import EntryUpdated, outbox
from worksync.timetracking.messaging.recording import record_entry
from worksync.timetracking.models import (
    Client,
    Issue,
    Team,
    TeamMember,
    TimeEntry,
    directory_tables,
)


async def _entries(session: AsyncSession, rows: Sequence[TimeEntry]) -> None:
    for row in rows:
        with at_current_version(row):
            # A snapshot has no actor of its own; the entry's owner stands for it.
            await record_entry(session, row, EntryUpdated, actor_id=row.user_id)


FINISHED = TimeEntry.duration_seconds.is_not(None) & TimeEntry.rounded_duration_seconds.is_not(None)

OPERATIONS = ServiceOperations(
    settings=TimetrackingSettings,
    outbox=outbox,
    aggregates=(
        AggregateType("timetracking.entry", TimeEntry, TimeEntry.workspace_id, _entries, FINISHED),
    ),
    projections=(
        directory_projection(directory_tables),
        Projection("issues", (orm_table(Issue),), ("workitems.issue",)),
        Projection("teams", (orm_table(Team), orm_table(TeamMember)), ("workspace.team",)),
        Projection("clients", (orm_table(Client),), ("workspace.client",)),
    ),
)
