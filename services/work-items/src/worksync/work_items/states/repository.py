"""SQL of states."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from sqlalchemy import Uuid, bindparam, func, select, update

from worksync.common.errors import NameTaken
from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.work_items.errors import StateInUse
from worksync.work_items.issues.repository import STATE_REFERENCE
from worksync.work_items.models import State

NAME_UNIQUE = "uq_states_project_id_lower_name"


# Built once with bound values: every issue created without a state reads it.
_DEFAULT_OF = select(State).where(
    State.project_id == bindparam("project_id", type_=Uuid), State.is_default
)


class StateRepository(Repository):
    constraint_errors = {
        NAME_UNIQUE: lambda: NameTaken("state", where="of this project"),
        # Deleting a state an issue was put into by a request that committed after the check.
        STATE_REFERENCE: StateInUse,
    }

    async def get(self, project_id: UUID, state_id: UUID) -> State | None:
        return await self.session.scalar(
            select(State).where(State.project_id == project_id, State.id == state_id)
        )

    async def default_of(self, project_id: UUID) -> State:
        return (await self.session.scalars(_DEFAULT_OF, {"project_id": project_id})).one()

    async def groups(self, state_ids: Iterable[UUID]) -> dict[UUID, str]:
        rows = await self.session.execute(
            select(State.id, State.group).where(State.id.in_(set(state_ids)))
        )
        return {row.id: row.group for row in rows}

    async def page(
        self, workspace_id: UUID, project_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[State]:
        query = select(State).where(
            State.workspace_id == workspace_id, State.project_id == project_id
        )
        return (await self.session.scalars(apply_keyset(query, key, params))).all()

    async def lock_all(self, project_id: UUID) -> Sequence[State]:
        """Lock the project's states (in id order, as every caller does): changes of the
        default take turns, and each sees the other's result."""
        return (
            await self.session.scalars(
                select(State)
                .where(State.project_id == project_id)
                .order_by(State.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def clear_default(self, project_id: UUID) -> None:
        await self.session.execute(
            update(State)
            .where(State.project_id == project_id, State.is_default)
            .values(is_default=False, version=State.version + 1)
            .execution_options(synchronize_session="fetch")
        )

    async def last_position(self, project_id: UUID) -> float | None:
        return await self.session.scalar(
            select(func.max(State.position)).where(State.project_id == project_id)
        )
