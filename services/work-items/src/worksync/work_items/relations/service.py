"""Relations between issues of a project: blocks / blocked by, relates to, duplicates /
duplicated by. Project members and admins add and remove them; anyone who sees the project
reads them. "Blocks" never loops (A blocks B blocks A): writers of a project's blocks take
turns, and the check runs on the edges every earlier writer committed. Each change records
its event and an entry in both issues' activity.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext
from worksync.common.errors import Conflict, invalid_field, not_found, unknown_reference
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.work_items.activity.service import record_activity
from worksync.work_items.enums import ActivityKind, RelationKind, RelationType
from worksync.work_items.issues.repository import IssueRepository
from worksync.work_items.messaging.published import (
    RelationCreated,
    RelationDeleted,
    RelationSnapshot,
)
from worksync.work_items.messaging.recording import record_relations
from worksync.work_items.models import Issue, IssueRelation
from worksync.work_items.relations.cycles import closes_cycle
from worksync.work_items.relations.repository import RelationRepository
from worksync.work_items.relations.schemas import Relation, RelationCreate

ORDER = sort_key("created_at", IssueRelation.created_at, IssueRelation.id)

# A type as the issue asked about says it -> (stored kind, whether that issue comes first).
STORED: dict[RelationType, tuple[RelationKind, bool]] = {
    RelationType.BLOCKS: (RelationKind.BLOCKS, True),
    RelationType.BLOCKED_BY: (RelationKind.BLOCKS, False),
    RelationType.DUPLICATES: (RelationKind.DUPLICATES, True),
    RelationType.DUPLICATED_BY: (RelationKind.DUPLICATES, False),
    RelationType.RELATES_TO: (RelationKind.RELATES_TO, True),
}
SEEN_FROM_RELATED = {
    RelationKind.BLOCKS: RelationType.BLOCKED_BY,
    RelationKind.DUPLICATES: RelationType.DUPLICATED_BY,
    RelationKind.RELATES_TO: RelationType.RELATES_TO,
}


class BlocksCycle(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "The other issue already blocks this one, directly or through others",
            code="blocks_cycle",
        )


def seen_from(relation: IssueRelation, issue_id: UUID) -> Relation:
    kind = RelationKind(relation.kind)
    first = relation.issue_id == issue_id
    return Relation(
        id=relation.id,
        type=RelationType(kind.value) if first else SEEN_FROM_RELATED[kind],
        issue_id=relation.related_id if first else relation.issue_id,
        created_by=relation.created_by,
        created_at=relation.created_at,
    )


class RelationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.issues = IssueRepository(session)
        self.relations = RelationRepository(session)

    async def page(
        self, context: ProjectContext, issue_id: UUID, params: PageParams
    ) -> tuple[list[Relation], str | None]:
        await self._issue(context, issue_id)
        rows = await self.relations.page(context.project.id, issue_id, ORDER, params)
        items, next_cursor = build_page(rows, ORDER, params)
        return [seen_from(row, issue_id) for row in items], next_cursor

    async def create(
        self, context: ProjectContext, issue_id: UUID, request: RelationCreate, now: datetime
    ) -> Relation:
        project = context.project
        issue = await self._issue(context, issue_id)
        other = await self.issues.get(project.id, request.issue_id)
        if other is None:
            raise unknown_reference("issue_id", "issue", where="here")
        if other.id == issue.id:
            raise invalid_field("issue_id", "an issue is not related to itself")
        kind, first = STORED[request.type]
        source, target = (issue, other) if first else (other, issue)
        if kind is RelationKind.RELATES_TO and source.id > target.id:
            source, target = target, source
        if kind is RelationKind.BLOCKS:
            await self.relations.lock_blocks(project.id)
            if closes_cycle(await self.relations.blocks_edges(project.id), source.id, target.id):
                raise BlocksCycle()
        relation = IssueRelation(
            id=new_id(),
            workspace_id=project.workspace_id,
            project_id=project.id,
            issue_id=source.id,
            related_id=target.id,
            kind=kind.value,
            created_by=context.workspace.user_id,
            version=0,
        )
        await self.relations.add(relation)
        await self._record(context, relation, RelationCreated, (issue, other), now)
        return seen_from(relation, issue.id)

    async def delete(
        self, context: ProjectContext, issue_id: UUID, relation_id: UUID, now: datetime
    ) -> None:
        issue = await self._issue(context, issue_id)
        relation = await self.relations.get_for_update(issue.id, relation_id)
        if relation is None:
            raise not_found("relation")
        other_id = relation.related_id if relation.issue_id == issue.id else relation.issue_id
        other = await self.issues.get(context.project.id, other_id, include_deleted=True)
        assert other is not None
        await self._record(context, relation, RelationDeleted, (issue, other), now)
        await self.relations.delete(relation)

    async def _record(
        self,
        context: ProjectContext,
        relation: IssueRelation,
        event: type[RelationSnapshot],
        issues: tuple[Issue, Issue],
        now: datetime,
    ) -> None:
        actor_id = context.workspace.user_id
        await record_relations(self.session, [relation], event, actor_id=actor_id)
        kind = (
            ActivityKind.RELATION_ADDED
            if event is RelationCreated
            else ActivityKind.RELATION_REMOVED
        )
        for issue in issues:
            seen = seen_from(relation, issue.id)
            await record_activity(
                self.session,
                issue,
                kind,
                actor_id,
                now,
                new={
                    "relation_id": str(relation.id),
                    "type": seen.type.value,
                    "issue_id": str(seen.issue_id),
                },
            )
        await self.relations.flush()

    async def _issue(self, context: ProjectContext, issue_id: UUID) -> Issue:
        issue = await self.issues.get(context.project.id, issue_id)
        if issue is None:
            raise not_found("issue")
        return issue
