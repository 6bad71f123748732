"""States: a project's workflow. Project admins change them; everyone who sees the
project reads them.

A project always has exactly one default state: making another state the default moves
it (in one transaction, the project's states locked), and the default can be neither
unset nor deleted. A state live issues are in cannot be deleted; deleted issues in it move
to the default state. When a state's group changes, its issues' completion follows and
each records an update.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext
from worksync.common.errors import Conflict, invalid_field, not_found
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.work_items.errors import StateInUse
from worksync.work_items.issues.repository import IssueRepository
from worksync.work_items.issues.service import record_updates, tracked_of
from worksync.work_items.models import Issue
from worksync.work_items.models import State as StateRow
from worksync.work_items.projects.service import POSITION_STEP
from worksync.work_items.states.repository import StateRepository
from worksync.work_items.states.schemas import State, StateCreate, StateSort, StateUpdate

SORT_KEYS = {
    StateSort.POSITION: sort_key("position", StateRow.position, StateRow.id),
    StateSort.NAME: sort_key("name", StateRow.name, StateRow.id),
}


class DefaultStateRequired(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "The default state cannot be deleted; make another state the default first",
            code="default_state_required",
        )


class StateService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.states = StateRepository(session)

    async def page(
        self, context: ProjectContext, sort: StateSort, params: PageParams
    ) -> tuple[list[State], str | None]:
        key = SORT_KEYS[sort]
        project = context.project
        rows = await self.states.page(project.workspace_id, project.id, key, params)
        items, next_cursor = build_page(rows, key, params)
        return [State.of(row) for row in items], next_cursor

    async def get(self, context: ProjectContext, state_id: UUID) -> State:
        return State.of(await self._get(context, state_id))

    async def create(self, context: ProjectContext, request: StateCreate) -> State:
        project = context.project
        if request.is_default:
            await self.states.lock_all(project.id)
            await self.states.clear_default(project.id)
        position = request.position
        if position is None:
            position = (await self.states.last_position(project.id) or 0.0) + POSITION_STEP
        state = StateRow(
            id=new_id(),
            workspace_id=project.workspace_id,
            project_id=project.id,
            name=request.name,
            group=request.group.value,
            colour=request.colour,
            position=position,
            is_default=request.is_default,
        )
        await self.states.add(state)
        return State.of(state)

    async def update(
        self,
        context: ProjectContext,
        state_id: UUID,
        request: StateUpdate,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> State:
        project = context.project
        changes: dict[str, Any] = request.model_dump(exclude_unset=True)
        issues: Sequence[Issue] = ()
        if "group" in changes:
            # Issues before states, the order in which issue writers lock them.
            issues = await IssueRepository(self.session).lock_in_state(project.id, state_id)
        before = await tracked_of(self.session, context, issues)
        # Locked before reading, so that concurrent changes of the default take turns.
        await self.states.lock_all(project.id)
        state = await self._get(context, state_id)
        check_version(if_match, state.version)
        if changes.get("is_default") is False and state.is_default:
            raise invalid_field("is_default", "make another state the default instead")
        if changes.get("is_default") and not state.is_default:
            await self.states.clear_default(project.id)
        group_changed = "group" in changes and changes["group"] != state.group
        if any(getattr(state, name) != value for name, value in changes.items()):
            state.version += 1
        for name, value in changes.items():
            setattr(state, name, value)
        await self.states.flush()
        if group_changed:
            await record_updates(self.session, context, issues, now, before)
        return State.of(state)

    async def delete(
        self,
        context: ProjectContext,
        state_id: UUID,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> None:
        project = context.project
        issues = await IssueRepository(self.session).lock_in_state(project.id, state_id)
        await self.states.lock_all(project.id)
        state = await self._get(context, state_id)
        check_version(if_match, state.version)
        if state.is_default:
            raise DefaultStateRequired()
        if any(issue.deleted_at is None for issue in issues):
            raise StateInUse()
        if issues:
            before = await tracked_of(self.session, context, issues)
            default = await self.states.default_of(project.id)
            for issue in issues:
                issue.state_id = default.id
            await record_updates(self.session, context, issues, now, before)
        # Refused with StateInUse too when a request that committed after the check put an
        # issue into the state.
        await self.states.delete(state)

    async def _get(self, context: ProjectContext, state_id: UUID) -> StateRow:
        state = await self.states.get(context.project.id, state_id)
        if state is None:
            raise not_found("state")
        return state
