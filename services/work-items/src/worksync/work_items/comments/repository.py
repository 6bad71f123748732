"""SQL of comments, their mentions and reactions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from uuid import UUID

from sqlalchemy import Select, delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert

from worksync.common.errors import unknown_reference
from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.work_items.comments.schemas import Reaction
from worksync.work_items.models import Comment, CommentMention, CommentReaction

# A reply whose parent was deleted after it was checked.
PARENT_REFERENCE = "fk_comments_issue_id_parent_id_comments"


def _one(issue_id: UUID, comment_id: UUID) -> Select[Comment]:
    return select(Comment).where(Comment.issue_id == issue_id, Comment.id == comment_id)


class CommentRepository(Repository):
    constraint_errors = {
        PARENT_REFERENCE: lambda: unknown_reference("parent_id", "comment", where="on this issue")
    }

    async def get(self, issue_id: UUID, comment_id: UUID) -> Comment | None:
        return await self.session.scalar(_one(issue_id, comment_id))

    async def get_for_update(self, issue_id: UUID, comment_id: UUID) -> Comment | None:
        return await self.lock_for_update(_one(issue_id, comment_id))

    async def page(
        self, issue_id: UUID, root_id: UUID | None, key: SortKey, params: PageParams
    ) -> Sequence[Comment]:
        query = select(Comment).where(Comment.issue_id == issue_id)
        if root_id is not None:
            query = query.where(Comment.root_id == root_id)
        return (await self.session.scalars(apply_keyset(query, key, params))).all()

    async def has_replies(self, comment_id: UUID) -> bool:
        return bool(
            await self.session.scalar(select(exists().where(Comment.parent_id == comment_id)))
        )

    async def mentions_of(self, comment_ids: Collection[UUID]) -> dict[UUID, list[UUID]]:
        found: defaultdict[UUID, list[UUID]] = defaultdict(list)
        rows = await self.session.execute(
            select(CommentMention.comment_id, CommentMention.user_id)
            .where(CommentMention.comment_id.in_(comment_ids))
            .order_by(CommentMention.comment_id, CommentMention.user_id)
        )
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
            select(
                CommentReaction.comment_id,
                CommentReaction.emoji,
                func.count(),
                func.bool_or(CommentReaction.user_id == user_id),
            )
            .where(CommentReaction.comment_id.in_(comment_ids))
            .group_by(CommentReaction.comment_id, CommentReaction.emoji)
            .order_by(CommentReaction.comment_id, CommentReaction.emoji)
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
