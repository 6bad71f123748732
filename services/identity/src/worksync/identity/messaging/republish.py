"""What the operator tools may republish from identity (`python -m worksync.common.ops
republish identity.user`): each user as `identity.user.updated`, the event `recording.py`
records for a changed profile, which carries whether the user is active; and the projection
they may rebuild (`rebuild identity memberships`, refilled by `republish workspace.member`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.ops.republish import at_current_version
from worksync.common.ops.services import (
    AggregateType,
    Projection,
    ServiceOperations,
)
from worksync.common.repository import orm_table
from worksync.identity.config import IdentitySettings
from worksync.identity.messaging.published import UserUpdated, outbox
from worksync.identity.messaging.recording import record_user
from worksync.identity.models import User, WorkspaceMembership


async def _users(session: AsyncSession, rows: Sequence[User]) -> None:
    for row in rows:
        with at_current_version(row):
            await record_user(session, row, UserUpdated, actor_id=None)


OPERATIONS = ServiceOperations(
    settings=IdentitySettings,
    outbox=outbox,
    # Users belong to no workspace: `--workspace` selects none of them.
    aggregates=(AggregateType("identity.user", User, User.id, _users),),
    projections=(
        Projection("memberships", (orm_table(WorkspaceMembership),), ("workspace.member",)),
    ),
)
