"""SQL of comments, their mentions and reactions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from functools import lru_cache
from uuid import UUID

from sqlalchemy import ARRAY, Select, Uuid, any_, bindparam, delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert

from worksync.common.errors import unknown_reference
from worksync.common.pagination import PageParams, SortKey, apply_bound_keyset, keyset_parameters
from worksync.common.repository import Repository
from worksync.work_items.comments.schemas import Reaction
from worksync.work_items.models import Comment, CommentMention, CommentReaction

# A reply whose parent was deleted after it was checked.
PARENT_REFERENCE = "fk_comments_issue_id_parent_id_comments"


# Built once with bound values, as building a statement costs more than running it.
_ONE = select(Comment).where(
    Comment.issue_id == bindparam("issue_id", type_=Uuid),
    Comment.id == bindparam("comment_id", type_=Uuid),
)
_OF_COMMENTS = bindparam("comment_ids", type_=ARRAY(Uuid))
_MENTIONS = (
    select(CommentMention.comment_id, CommentMention.user_id)
    .where(CommentMention.comment_id == any_(_OF_COMMENTS))
    .order_by(CommentMention.comment_id, CommentMention.user_id)
)
_REACTIONS = (
    select(
        CommentReaction.comment_id,
        CommentReaction.emoji,
        func.count(),
        func.bool_or(CommentReaction.user_id == bindparam("reader_id", type_=Uuid)),
    )
    .where(CommentReaction.comment_id == any_(_OF_COMMENTS))
    .group_by(CommentReaction.comment_id, CommentReaction.emoji)
    .order_by(CommentReaction.comment_id, CommentReaction.emoji)
)


@lru_cache(maxsize=8)
def _page(key: SortKey, *, in_thread: bool, after_cursor: bool) -> Select[Comment]:
    """A keyset page of an issue's (`issue_id`) comments, of one thread (`root_id`) when
    `in_thread`."""
    query = select(Comment).where(Comment.issue_id == bindparam("issue_id", type_=Uuid))
    if in_thread:
        query = query.where(Comment.root_id == bindparam("root_id", type_=Uuid))
    return apply_bound_keyset(query, key, after_cursor=after_cursor)


class CommentRepository(Repository):
    constraint_errors = {
        PARENT_REFERENCE: lambda: unknown_reference("parent_id", "comment", where="on this issue")
    }

    async def get(self, issue_id: UUID, comment_id: UUID) -> Comment | None:
        return await self.session.scalar(_ONE, {"issue_id": issue_id, "comment_id": comment_id})

    async def get_for_update(self, issue_id: UUID, comment_id: UUID) -> Comment | None:
        return await self.lock_for_update(_ONE.params(issue_id=issue_id, comment_id=comment_id))

    async def page(
        self, issue_id: UUID, root_id: UUID | None, key: SortKey, params: PageParams
    ) -> Sequence[Comment]:
        statement = _page(
            key, in_thread=root_id is not None, after_cursor=params.cursor is not None
        )
        parameters = {"issue_id": issue_id, "root_id": root_id, **keyset_parameters(key, params)}
        return (await self.session.scalars(statement, parameters)).all()

    async def has_replies(self, comment_id: UUID) -> bool:
        return bool(
            await self.session.scalar(select(exists().where(Comment.parent_id == comment_id)))
        )

    async def mentions_of(self, comment_ids: Collection[UUID]) -> dict[UUID, list[UUID]]:
        found: defaultdict[UUID, list[UUID]] = defaultdict(list)
        rows = await self.session.execute(_MENTIONS, {"comment_ids": list(comment_ids)})
        for comment_id, user_id in rows:
            found[comment_id].append(user_id)
        return found

    async def set_mentions(self, comment_id: UUID, user_ids: Collection[UUID]) -> None:
        await self.execute(
            delete(CommentMention).where(
                CommentMention.comment_id == comment_id, CommentMention.user_id.not_in(user_ids)
            )
        )
        if user_ids:
            await self.execute(
                insert(CommentMention)
                .values([{"comment_id": comment_id, "user_id": user_id} for user_id in user_ids])
                .on_conflict_do_nothing()
            )

    async def reactions_of(
        self, comment_ids: Collection[UUID], user_id: UUID
    ) -> dict[UUID, list[Reaction]]:
        """Counts per emoji of each comment, and whether `user_id` is among them, in one query."""
        found: defaultdict[UUID, list[Reaction]] = defaultdict(list)
        rows = await self.session.execute(
            _REACTIONS, {"comment_ids": list(comment_ids), "reader_id": user_id}
        )
        for comment_id, emoji, count, mine in rows:
            found[comment_id].append(Reaction(emoji=emoji, count=count, mine=mine))
        return found

    async def add_reaction(self, comment_id: UUID, user_id: UUID, emoji: str) -> None:
        """Once per user and emoji: a second time changes nothing."""
        await self.execute(
            insert(CommentReaction)
            .values(comment_id=comment_id, user_id=user_id, emoji=emoji)
            .on_conflict_do_nothing()
        )

    async def remove_reaction(self, comment_id: UUID, user_id: UUID, emoji: str) -> None:
        await self.execute(
            delete(CommentReaction).where(
                CommentReaction.comment_id == comment_id,
                CommentReaction.user_id == user_id,
                CommentReaction.emoji == emoji,
            )
        )

    async def clear_reactions(self, comment_id: UUID) -> None:
        await self.execute(delete(CommentReaction).where(CommentReaction.comment_id == comment_id))
