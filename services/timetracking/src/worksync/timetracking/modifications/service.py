"""Modification requests: an entry of an approved timesheet changes only when an approver
accepts a request for it. Accepting applies the change as a PATCH (or DELETE) of the entry
would, in the same transaction — the rules of an entry write hold, and a change they refuse
leaves the request pending — and the entry keeps its history in its own events.
Declining needs a comment. One pending request per entry (a partial unique index). Every
decision locks the request's row: of two approvers at once one wins, the other gets 409.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from worksync.common.directory import WorkspaceContext
from worksync.common.errors import not_found
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, SortKey, build_page, sort_key
from worksync.timetracking.entries.schemas import EntryUpdate
from worksync.timetracking.entries.service import EntryService
from worksync.timetracking.errors import EntryNotApproved, ModificationRequestDecided, NotAnApprover
from worksync.timetracking.messaging.published import (
    ModificationAccepted,
    ModificationDeclined,
    ModificationRequested,
)
from worksync.timetracking.messaging.recording import record_modification
from worksync.timetracking.models import (
    ModificationRequest,
    RequestAction,
    RequestState,
    TimesheetState,
)
from worksync.timetracking.modifications.repository import ModificationRepository
from worksync.timetracking.modifications.schemas import (
    ModificationRequest as RequestOut,
)
from worksync.timetracking.modifications.schemas import (
    ModificationRequestCreate,
    RequestFilters,
)
from worksync.timetracking.timesheets.service import approves
from worksync.timetracking.timesheets.teams import TeamRepository

SORT: SortKey = sort_key("created_at", ModificationRequest.created_at, ModificationRequest.id)


class ModificationService:
    def __init__(self, entries: EntryService, now: datetime) -> None:
        self.entry_service = entries
        self.session = entries.session
        self.requests = ModificationRepository(entries.session)
        self.teams = TeamRepository(entries.session)
        self.now = now

    async def create(
        self, workspace: WorkspaceContext, entry_id: UUID, request: ModificationRequestCreate
    ) -> RequestOut:
        """Ask to change an entry of an approved timesheet (one the caller may change)."""
        writes = self.entry_service.writes
        entry, _ = await writes.owned_entry(workspace, entry_id, writing=True)
        state = await writes.entries.timesheet_state(
            workspace.workspace_id, entry.user_id, entry.work_date
        )
        if state != TimesheetState.APPROVED:
            raise EntryNotApproved()
        changes = (
            request.changes.model_dump(mode="json", exclude_unset=True)
            if request.changes is not None
            else {}
        )
        row = ModificationRequest(
            id=new_id(),
            workspace_id=workspace.workspace_id,
            entry_id=entry.id,
            user_id=entry.user_id,
            requested_by=workspace.user_id,
            action=request.action,
            changes=changes,
            reason=request.reason,
            state=RequestState.PENDING,
            version=0,
        )
        await record_modification(
            self.session, row, ModificationRequested, actor_id=workspace.user_id
        )
        self.session.add(row)
        await self.requests.flush()
        await self.session.refresh(row)
        return RequestOut.of(row)

    async def accept(self, workspace: WorkspaceContext, request_id: UUID) -> RequestOut:
        row = await self._decidable(workspace, request_id)
        if row.action == RequestAction.DELETE:
            await self.entry_service.delete(workspace, row.entry_id, decision=True)
        else:
            await self.entry_service.update(
                workspace, row.entry_id, EntryUpdate.model_validate(row.changes), decision=True
            )
        return await self._decided(row, workspace, RequestState.ACCEPTED, None)

    async def decline(
        self, workspace: WorkspaceContext, request_id: UUID, comment: str
    ) -> RequestOut:
        row = await self._decidable(workspace, request_id)
        return await self._decided(row, workspace, RequestState.DECLINED, comment)

    async def get(self, workspace: WorkspaceContext, request_id: UUID) -> RequestOut:
        return RequestOut.of(await self._visible(workspace, request_id, for_update=False))

    async def page(
        self, workspace: WorkspaceContext, filters: RequestFilters, params: PageParams
    ) -> tuple[list[RequestOut], str | None]:
        rows = await self.requests.page(
            workspace, filters, SORT, params, everyone=workspace.role.administers
        )
        items, next_cursor = build_page(rows, SORT, params)
        return [RequestOut.of(row) for row in items], next_cursor

    async def _visible(
        self, workspace: WorkspaceContext, request_id: UUID, *, for_update: bool
    ) -> ModificationRequest:
        """A request about the caller's time, asked by them, or one they decide; else 404."""
        row = await self.requests.get(workspace.workspace_id, request_id, for_update=for_update)
        if row is None:
            raise not_found("modification_request")
        if workspace.user_id in (row.user_id, row.requested_by):
            return row
        if not await approves(self.teams, workspace, row.user_id):
            raise not_found("modification_request")
        return row

    async def _decidable(
        self, workspace: WorkspaceContext, request_id: UUID
    ) -> ModificationRequest:
        row = await self._visible(workspace, request_id, for_update=True)
        if not await approves(self.teams, workspace, row.user_id):
            raise NotAnApprover()
        if row.state != RequestState.PENDING:
            raise ModificationRequestDecided()
        return row

    async def _decided(
        self,
        row: ModificationRequest,
        workspace: WorkspaceContext,
        state: RequestState,
        comment: str | None,
    ) -> RequestOut:
        row.state = state
        row.decided_by = workspace.user_id
        row.decided_at = self.now
        row.comment = comment
        event = ModificationAccepted if state is RequestState.ACCEPTED else ModificationDeclined
        await record_modification(self.session, row, event, actor_id=workspace.user_id)
        await self.requests.flush()
        await self.session.refresh(row)
        return RequestOut.of(row)
