"""Issues: creating, changing, deleting and restoring them, and who may do what.

Anyone who sees the project reads its issues; project members and admins create and change
them; the creator or a project admin deletes and restores one. Deleted issues are hidden
unless a project admin asks for them. Every change records an event with the whole issue.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import nh3
from sqlalchemy import Uuid, literal
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import Directory, ProjectContext, ProjectRole
from worksync.common.errors import Conflict, invalid_field, not_found, unknown_reference
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, build_page, page_answer, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.work_items.activity.service import record_activity, record_changes, tracked_fields
from worksync.work_items.boards.rank_repository import RankRepository
from worksync.work_items.boards.wip import check_wip
from worksync.work_items.enums import ActivityKind, DescriptionFormat, StateGroup
from worksync.work_items.errors import NotAllowed
from worksync.work_items.issues.read_model import (
    IssueReadModel,
    issue_answers,
    issue_key,
    load_read_model,
    load_read_models,
)
from worksync.work_items.issues.repository import IssueRepository
from worksync.work_items.issues.schemas import (
    Issue,
    IssueCreate,
    IssueFilters,
    IssueSort,
    IssueUpdate,
)
from worksync.work_items.messaging.published import (
    IssueCreated,
    IssueDeleted,
    IssueRestored,
    IssueUpdated,
)
from worksync.work_items.messaging.recording import record_issue
from worksync.work_items.models import Issue as IssueRow
from worksync.work_items.models import State
from worksync.work_items.states.repository import StateRepository
from worksync.work_items.time_logs.repository import logged_minutes

SORT_KEYS = {
    IssueSort.CREATED_AT: sort_key("created_at", IssueRow.created_at, IssueRow.id),
    IssueSort.NEWEST_FIRST: sort_key("-created_at", IssueRow.created_at, IssueRow.id),
    IssueSort.UPDATED_AT: sort_key("updated_at", IssueRow.updated_at, IssueRow.id),
    IssueSort.RECENTLY_UPDATED: sort_key("-updated_at", IssueRow.updated_at, IssueRow.id),
    IssueSort.DUE_DATE: sort_key("due_date", IssueRow.due_date_sort, IssueRow.id),
    IssueSort.DUE_DATE_DESCENDING: sort_key("-due_date", IssueRow.due_date_sort, IssueRow.id),
    IssueSort.PRIORITY: sort_key("priority", IssueRow.priority_rank, IssueRow.id),
    IssueSort.PRIORITY_DESCENDING: sort_key("-priority", IssueRow.priority_rank, IssueRow.id),
    IssueSort.POSITION: sort_key("position", IssueRow.position, IssueRow.id),
}


class IssueNotDeleted(Conflict):
    def __init__(self) -> None:
        super().__init__("The issue is not deleted", code="issue_not_deleted")


def sanitised(description: str | None, description_format: str) -> str | None:
    """HTML loses scripts, event handlers and unsafe links; Markdown stays as written."""
    if description is None or description_format != DescriptionFormat.HTML:
        return description
    return nh3.clean(description)


def completed_at(group: StateGroup, before: datetime | None, now: datetime) -> datetime | None:
    """Set when an issue enters a completed state, kept while it stays, cleared when it leaves."""
    if group is StateGroup.COMPLETED:
        return before or now
    return None


def _check_dates(start_date: date | None, due_date: date | None) -> None:
    if start_date is not None and due_date is not None and due_date < start_date:
        raise invalid_field("due_date", "must not lie before start_date")


def _may_delete(context: ProjectContext, issue: IssueRow) -> None:
    if (
        context.project.role is not ProjectRole.ADMIN
        and issue.created_by != context.workspace.user_id
    ):
        raise NotAllowed("Only its creator or a project admin may delete or restore an issue")


def _require_admin_for_deleted(context: ProjectContext, include_deleted: bool) -> None:
    if include_deleted and context.project.role is not ProjectRole.ADMIN:
        raise NotAllowed("Only project admins see deleted issues")


class IssueService:
    def __init__(self, session: AsyncSession, directory: Directory) -> None:
        self.session = session
        self.directory = directory
        self.issues = IssueRepository(session)
        self.states = StateRepository(session)

    async def page(
        self, context: ProjectContext, filters: IssueFilters, sort: IssueSort, params: PageParams
    ) -> dict[str, Any]:
        """The `Page[Issue]` answer, built by `issue_answers`."""
        _require_admin_for_deleted(context, filters.include_deleted)
        project = context.project
        key = SORT_KEYS[sort]
        rows = await self.issues.page(
            project.workspace_id, project.id, project.identifier, filters, key, params
        )
        items, next_cursor = build_page(rows, key, params)
        return page_answer(issue_answers(items, project.identifier), next_cursor)

    async def get(
        self, context: ProjectContext, issue_id: UUID, include_deleted: bool
    ) -> dict[str, Any]:
        """The `Issue` answer, built by `issue_answers`."""
        _require_admin_for_deleted(context, include_deleted)
        found = await self.issues.get_with_read_model(
            context.project.id, issue_id, include_deleted=include_deleted
        )
        if found is None:
            raise not_found("issue")
        (issue,) = issue_answers([found], context.project.identifier)
        return issue

    async def create(self, context: ProjectContext, request: IssueCreate, now: datetime) -> Issue:
        project = context.project
        state = await self._state(project.id, request.state_id)
        assignee_ids = await self._check_assignees(context, request.assignee_ids)
        label_ids = await self._check_labels(project.id, request.label_ids)
        if request.parent_id is not None:
            await self._check_parent(project.id, None, request.parent_id)
        _check_dates(request.start_date, request.due_date)
        # Last, so that nothing refused takes a number; both locks are held until commit.
        await RankRepository(self.session).lock(project.id)
        sequence_id, position, rank = await self.issues.next_number_position_and_rank(
            project.workspace_id, project.id
        )
        issue_id = new_id()
        row = IssueRow(
            id=issue_id,
            workspace_id=project.workspace_id,
            project_id=project.id,
            sequence_id=sequence_id,
            title=request.title,
            description=sanitised(request.description, request.description_format),
            description_format=request.description_format.value,
            state_id=state.id,
            priority=request.priority.value,
            parent_id=request.parent_id,
            start_date=request.start_date,
            due_date=request.due_date,
            estimate_minutes=request.estimate_minutes,
            completed_at=completed_at(StateGroup(state.group), None, now),
            position=position,
            rank=rank,
            created_by=context.workspace.user_id,
            version=0,
            # Entries logged on this id before it was known count from the start.
            logged_minutes=logged_minutes(
                literal(issue_id, Uuid), literal(project.workspace_id, Uuid)
            ),
        )
        # Its state, assignees and labels are those just checked: nothing to read back.
        issue = IssueReadModel(
            row=row,
            key=issue_key(project.identifier, sequence_id),
            state_group=StateGroup(state.group),
            assignee_ids=tuple(sorted(assignee_ids)),
            label_ids=tuple(sorted(label_ids)),
        )
        # Recorded before the row is written, so that it goes in at the version its event
        # carries (no update of the new row after).
        await record_issue(self.session, issue, IssueCreated, actor_id=context.workspace.user_id)
        await self.issues.add(row)
        # A new issue has none to remove: only what it is given is written.
        if assignee_ids:
            await self.issues.set_assignees(row.id, assignee_ids)
        if label_ids:
            await self.issues.set_labels(project.id, row.id, label_ids)
        await record_activity(
            self.session, row, ActivityKind.CREATED, context.workspace.user_id, now
        )
        return issue.read()

    async def update(
        self,
        context: ProjectContext,
        issue_id: UUID,
        request: IssueUpdate,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> Issue:
        project = context.project
        if request.state_id is not None:
            # A state change takes turns with board moves (WIP limits), as they lock: the
            # project's rank lock before the issue.
            await RankRepository(self.session).lock(project.id)
        if request.parent_id is not None:
            await self.issues.lock_parents(project.id)
        row = await self._lock(project.id, issue_id)
        check_version(if_match, row.version)
        before = await load_read_model(self.session, row, project.identifier)
        fingerprint = before.fingerprint()
        tracked_before = tracked_fields(before)
        changes: dict[str, Any] = request.model_dump(
            exclude_unset=True, exclude={"assignee_ids", "label_ids"}
        )
        assignee_ids, label_ids = before.assignee_ids, before.label_ids
        if request.assignee_ids is not None:
            # Only those added must be members now; someone who left may stay assigned.
            wanted = set(request.assignee_ids)
            await self._check_assignees(context, wanted - set(assignee_ids))
            assignee_ids = tuple(sorted(wanted))
        if request.label_ids is not None:
            label_ids = tuple(sorted(await self._check_labels(project.id, request.label_ids)))
        group = before.state_group
        if "state_id" in changes and changes["state_id"] != row.state_id:
            group = StateGroup((await self._state(project.id, changes["state_id"])).group)
            await check_wip(self.session, context, row, changes["state_id"], force=False)
        if changes.get("parent_id") is not None and changes["parent_id"] != row.parent_id:
            await self._check_parent(project.id, row.id, changes["parent_id"])
        _check_dates(
            changes.get("start_date", row.start_date), changes.get("due_date", row.due_date)
        )
        description_format = changes.get("description_format", row.description_format)
        if "description" in changes or "description_format" in changes:
            changes["description"] = sanitised(
                changes.get("description", row.description), description_format
            )
        for name, value in changes.items():
            setattr(row, name, value)
        row.completed_at = completed_at(group, row.completed_at, now)
        after = IssueReadModel(
            row=row,
            key=before.key,
            state_group=group,
            assignee_ids=assignee_ids,
            label_ids=label_ids,
        )
        if after.fingerprint() != fingerprint:
            await self.issues.set_assignees(row.id, assignee_ids)
            await self.issues.set_labels(project.id, row.id, label_ids)
            await record_issue(
                self.session, after, IssueUpdated, actor_id=context.workspace.user_id
            )
            await record_changes(
                self.session,
                row,
                tracked_before,
                tracked_fields(after),
                context.workspace.user_id,
                now,
            )
            await self.issues.flush()
        return after.read()

    async def delete(
        self,
        context: ProjectContext,
        issue_id: UUID,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> None:
        row = await self._lock(context.project.id, issue_id)
        _may_delete(context, row)
        check_version(if_match, row.version)
        row.deleted_at = now
        issue = await load_read_model(self.session, row, context.project.identifier)
        await record_issue(self.session, issue, IssueDeleted, actor_id=context.workspace.user_id)
        await record_activity(
            self.session, row, ActivityKind.DELETED, context.workspace.user_id, now
        )
        await self.issues.flush()

    async def restore(self, context: ProjectContext, issue_id: UUID, now: datetime) -> Issue:
        row = await self._lock(context.project.id, issue_id, include_deleted=True)
        _may_delete(context, row)
        if row.deleted_at is None:
            raise IssueNotDeleted()
        row.deleted_at = None
        issue = await load_read_model(self.session, row, context.project.identifier)
        await record_issue(self.session, issue, IssueRestored, actor_id=context.workspace.user_id)
        await record_activity(
            self.session, row, ActivityKind.RESTORED, context.workspace.user_id, now
        )
        await self.issues.flush()
        return issue.read()

    async def _lock(
        self, project_id: UUID, issue_id: UUID, *, include_deleted: bool = False
    ) -> IssueRow:
        row = await self.issues.get_for_update(
            project_id, issue_id, include_deleted=include_deleted
        )
        if row is None:
            raise not_found("issue")
        return row

    async def _state(self, project_id: UUID, state_id: UUID | None) -> State:
        if state_id is None:
            return await self.states.default_of(project_id)
        state = await self.states.get(project_id, state_id)
        if state is None:
            raise unknown_reference("state_id", "state", where="here")
        return state

    async def _check_assignees(
        self, context: ProjectContext, user_ids: Collection[UUID]
    ) -> set[UUID]:
        """Live members of the workspace, as the directory knows them or, for those it
        does not know yet (added a moment ago), as the workspace API answers."""
        wanted = set(user_ids)
        workspace = context.workspace
        members = await self.directory.workspace_members(
            self.session, workspace.membership, wanted, workspace.authorization
        )
        if wanted - members.keys():
            raise unknown_reference("assignee_ids", "workspace member", where="here")
        return wanted

    async def _check_labels(self, project_id: UUID, label_ids: Sequence[UUID]) -> set[UUID]:
        wanted = set(label_ids)
        if wanted and wanted - await self.issues.labels_in_project(project_id, wanted):
            raise unknown_reference("label_ids", "label", where="here")
        return wanted

    async def _check_parent(self, project_id: UUID, issue_id: UUID | None, parent_id: UUID) -> None:
        if not await self.issues.found(project_id, parent_id):
            raise unknown_reference("parent_id", "issue", where="here")
        if issue_id is not None and await self.issues.closes_loop(issue_id, parent_id):
            raise invalid_field("parent_id", "would make the issue its own ancestor")


async def tracked_of(
    session: AsyncSession, context: ProjectContext, rows: Sequence[IssueRow]
) -> dict[UUID, dict[str, Any]]:
    """The tracked fields of these issues now, for `record_updates` after the change."""
    issues = await load_read_models(session, rows, context.project.identifier)
    return {issue.row.id: tracked_fields(issue) for issue in issues}


async def record_updates(
    session: AsyncSession,
    context: ProjectContext,
    rows: Sequence[IssueRow],
    now: datetime,
    before: dict[UUID, dict[str, Any]],
) -> None:
    """After a change to what these (locked) issues show that came from elsewhere (their
    state's group, a deleted label, a state moved): completion follows the state's group,
    each issue records an update with its new version, and the feed the fields that changed
    since `before` (`tracked_of`)."""
    actor_id = context.workspace.user_id
    for issue in await load_read_models(session, rows, context.project.identifier):
        issue.row.completed_at = completed_at(issue.state_group, issue.row.completed_at, now)
        await record_issue(session, issue, IssueUpdated, actor_id=actor_id)
        await record_changes(
            session, issue.row, before[issue.row.id], tracked_fields(issue), actor_id, now
        )
    await IssueRepository(session).flush()
