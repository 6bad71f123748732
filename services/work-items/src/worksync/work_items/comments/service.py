"""Comments on issues: threads of any depth, edits, deletion, mentions and reactions.

Anyone who sees the project reads the comments; project members and admins write them,
and so do the project's guests where a project admin allowed it (`comments/auth.py`). Only
its author edits a comment; its author or a project admin deletes it. A deleted comment
with replies stays as a placeholder without body, mentions or reactions; one without
replies goes, and so does a placeholder left without replies.
Every write records its event and an entry in the issue's activity.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import Directory, ProjectContext, ProjectRole
from worksync.common.errors import Conflict, invalid_field, not_found, unknown_reference
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.work_items.activity.service import record_activity
from worksync.work_items.comments.repository import CommentRepository
from worksync.work_items.comments.schemas import (
    Comment,
    CommentCreate,
    CommentUpdate,
)
from worksync.work_items.enums import ActivityKind
from worksync.work_items.errors import NotAllowed
from worksync.work_items.issues.repository import IssueRepository
from worksync.work_items.issues.service import sanitised
from worksync.work_items.messaging.published import (
    CommentCreated,
    CommentDeleted,
    CommentUpdated,
)
from worksync.work_items.messaging.recording import record_comment
from worksync.work_items.models import Comment as CommentRow
from worksync.work_items.models import Issue
from worksync.work_items.models.comments import MAX_DEPTH

THREAD_ORDER = sort_key("thread", CommentRow.path, CommentRow.id)


class CommentIsDeleted(Conflict):
    def __init__(self) -> None:
        super().__init__("The comment was deleted", code="comment_deleted")


def _path(parent: CommentRow | None, comment_id: UUID) -> str:
    """Parent's path, then the comment's own (time-ordered) id: sorting by path reads a
    thread depth first, replies in the order they were written."""
    return comment_id.hex if parent is None else f"{parent.path}.{comment_id.hex}"


def _body(body: str, body_format: str) -> str:
    clean = sanitised(body, body_format) or ""
    if not clean.strip():
        raise invalid_field("body", "is empty once sanitised")
    return clean


class CommentService:
    def __init__(self, session: AsyncSession, directory: Directory) -> None:
        self.session = session
        self.directory = directory
        self.comments = CommentRepository(session)

    async def page(
        self,
        context: ProjectContext,
        issue_id: UUID,
        thread_id: UUID | None,
        params: PageParams,
    ) -> tuple[list[Comment], str | None]:
        await self._issue_found(context, issue_id)
        rows = await self.comments.page(issue_id, thread_id, THREAD_ORDER, params)
        items, next_cursor = build_page(rows, THREAD_ORDER, params)
        return await self._read(context, items), next_cursor

    async def get(self, context: ProjectContext, issue_id: UUID, comment_id: UUID) -> Comment:
        await self._issue_found(context, issue_id)
        row = await self.comments.get(issue_id, comment_id)
        if row is None:
            raise not_found("comment")
        (comment,) = await self._read(context, [row])
        return comment

    async def create(
        self, context: ProjectContext, issue_id: UUID, request: CommentCreate, now: datetime
    ) -> Comment:
        issue = await self._issue(context, issue_id)
        parent = None
        if request.parent_id is not None:
            parent = await self.comments.get(issue.id, request.parent_id)
            if parent is None or parent.deleted_at is not None:
                raise unknown_reference("parent_id", "comment", where="on this issue")
            if parent.depth >= MAX_DEPTH:
                raise invalid_field("parent_id", f"replies nest at most {MAX_DEPTH} deep")
        mentions = await self._check_mentions(context, request.mention_ids)
        comment_id = new_id()
        row = CommentRow(
            id=comment_id,
            workspace_id=issue.workspace_id,
            project_id=issue.project_id,
            issue_id=issue.id,
            parent_id=None if parent is None else parent.id,
            root_id=comment_id if parent is None else parent.root_id,
            path=_path(parent, comment_id),
            depth=0 if parent is None else parent.depth + 1,
            author_id=context.workspace.user_id,
            body=_body(request.body, request.body_format),
            body_format=request.body_format.value,
            version=0,
        )
        await self.comments.add(row)
        await self.comments.set_mentions(row.id, mentions)
        await self._record(context, issue, row, CommentCreated, mentions, mentions, now)
        (comment,) = await self._read(context, [row])
        return comment

    async def update(
        self,
        context: ProjectContext,
        issue_id: UUID,
        comment_id: UUID,
        request: CommentUpdate,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> Comment:
        issue = await self._issue(context, issue_id)
        row = await self._live_for_update(issue.id, comment_id)
        if row.author_id != context.workspace.user_id:
            raise NotAllowed("Only its author may edit a comment")
        check_version(if_match, row.version)
        mentions = set((await self.comments.mentions_of([row.id])).get(row.id, []))
        wanted = mentions
        if request.mention_ids is not None:
            wanted = set(request.mention_ids)
            await self._check_mentions(context, wanted - mentions)
        body_format = row.body_format if request.body_format is None else request.body_format.value
        body = row.body
        if request.body is not None or request.body_format is not None:
            body = _body(request.body if request.body is not None else row.body, body_format)
        if (body, body_format, wanted) == (row.body, row.body_format, mentions):
            (comment,) = await self._read(context, [row])
            return comment
        if (body, body_format) != (row.body, row.body_format):
            row.body, row.body_format, row.edited_at = body, body_format, now
        await self.comments.set_mentions(row.id, wanted)
        await self._record(context, issue, row, CommentUpdated, wanted, wanted - mentions, now)
        await self.comments.flush()
        (comment,) = await self._read(context, [row])
        return comment

    async def delete(
        self,
        context: ProjectContext,
        issue_id: UUID,
        comment_id: UUID,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> None:
        issue = await self._issue(context, issue_id)
        # Locked first: a reply being written holds a key-share lock on it, so the check for
        # replies below runs after that reply committed (or the reply finds it gone).
        row = await self._live_for_update(issue.id, comment_id)
        if (
            row.author_id != context.workspace.user_id
            and context.project.role is not ProjectRole.ADMIN
        ):
            raise NotAllowed("Only its author or a project admin may delete a comment")
        check_version(if_match, row.version)
        mentions = (await self.comments.mentions_of([row.id])).get(row.id, [])
        row.deleted_at = now
        await self._record(context, issue, row, CommentDeleted, mentions, (), now)
        if await self.comments.has_replies(row.id):
            row.body = ""
            await self.comments.set_mentions(row.id, ())
            await self.comments.clear_reactions(row.id)
            await self.comments.flush()
            return
        await self._remove_with_empty_placeholders(row)

    async def react(
        self, context: ProjectContext, issue_id: UUID, comment_id: UUID, emoji: str
    ) -> Comment:
        issue = await self._issue(context, issue_id)
        row = await self._live(issue.id, comment_id)
        await self.comments.add_reaction(row.id, context.workspace.user_id, emoji)
        (comment,) = await self._read(context, [row])
        return comment

    async def unreact(
        self, context: ProjectContext, issue_id: UUID, comment_id: UUID, emoji: str
    ) -> None:
        issue = await self._issue(context, issue_id)
        row = await self._live(issue.id, comment_id)
        await self.comments.remove_reaction(row.id, context.workspace.user_id, emoji)

    async def _remove_with_empty_placeholders(self, row: CommentRow) -> None:
        """Delete the comment, then each placeholder above it that it leaves without replies."""
        parent_id = row.parent_id
        await self.comments.delete(row)
        while parent_id is not None:
            parent = await self.comments.get_for_update(row.issue_id, parent_id)
            if parent is None or parent.deleted_at is None:
                return
            if await self.comments.has_replies(parent.id):
                return
            parent_id = parent.parent_id
            await self.comments.delete(parent)

    async def _record(
        self,
        context: ProjectContext,
        issue: Issue,
        row: CommentRow,
        event: type[CommentCreated] | type[CommentUpdated] | type[CommentDeleted],
        mentions: Collection[UUID],
        new_mentions: Collection[UUID],
        now: datetime,
    ) -> None:
        actor_id = context.workspace.user_id
        await record_comment(
            self.session,
            row,
            event,
            mention_ids=mentions,
            new_mention_ids=new_mentions,
            actor_id=actor_id,
        )
        kind = {
            CommentCreated: ActivityKind.COMMENT_ADDED,
            CommentUpdated: ActivityKind.COMMENT_EDITED,
            CommentDeleted: ActivityKind.COMMENT_DELETED,
        }[event]
        await record_activity(
            self.session, issue, kind, actor_id, now, new={"comment_id": str(row.id)}
        )

    async def _issue(self, context: ProjectContext, issue_id: UUID) -> Issue:
        issue = await IssueRepository(self.session).get(context.project.id, issue_id)
        if issue is None:
            raise not_found("issue")
        return issue

    async def _issue_found(self, context: ProjectContext, issue_id: UUID) -> None:
        if not await IssueRepository(self.session).found(context.project.id, issue_id):
            raise not_found("issue")

    async def _live(self, issue_id: UUID, comment_id: UUID) -> CommentRow:
        row = await self.comments.get(issue_id, comment_id)
        if row is None:
            raise not_found("comment")
        if row.deleted_at is not None:
            raise CommentIsDeleted()
        return row

    async def _live_for_update(self, issue_id: UUID, comment_id: UUID) -> CommentRow:
        row = await self.comments.get_for_update(issue_id, comment_id)
        if row is None:
            raise not_found("comment")
        if row.deleted_at is not None:
            raise CommentIsDeleted()
        return row

    async def _check_mentions(
        self, context: ProjectContext, user_ids: Collection[UUID]
    ) -> set[UUID]:
        """Live members of the workspace, as the directory (or its fallback) knows them."""
        wanted = set(user_ids)
        if not wanted:
            return wanted
        workspace = context.workspace
        members = await self.directory.workspace_members(
            self.session, workspace.membership, wanted, workspace.authorization
        )
        if wanted - members.keys():
            raise unknown_reference("mention_ids", "workspace member", where="here")
        return wanted

    async def _read(self, context: ProjectContext, rows: Sequence[CommentRow]) -> list[Comment]:
        ids = [row.id for row in rows]
        if not ids:
            return []
        mentions = await self.comments.mentions_of(ids)
        reactions = await self.comments.reactions_of(ids, context.workspace.user_id)
        return [
            Comment(
                id=row.id,
                issue_id=row.issue_id,
                parent_id=row.parent_id,
                root_id=row.root_id,
                depth=row.depth,
                author_id=row.author_id,
                body=None if row.deleted_at else row.body,
                body_format=row.body_format,
                mention_ids=mentions.get(row.id, []),
                reactions=reactions.get(row.id, []),
                edited_at=row.edited_at,
                deleted_at=row.deleted_at,
                version=row.version,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
            for row in rows
        ]
