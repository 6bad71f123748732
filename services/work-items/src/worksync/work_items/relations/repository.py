"""SQL of issue relations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import or_, select

from worksync.common.errors import Conflict
from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.work_items.built_rows import insert_built
from worksync.work_items.enums import RelationKind
from worksync.work_items.models import IssueRelation

RELATION_UNIQUE = "uq_issue_relations_issue_id_related_id_kind"


class RelationExists(Conflict):
    def __init__(self) -> None:
        super().__init__("The issues are related so already", code="relation_exists")


class RelationRepository(Repository):
    constraint_errors = {RELATION_UNIQUE: RelationExists}

    async def insert_built(self, relations: Sequence[IssueRelation]) -> None:
        """New relations as built, in one statement (`built_rows`)."""
        statement, values = insert_built(relations)
        with self.constraints_checked():
            await self.session.execute(statement, values)

    async def lock_blocks(self, project_id: UUID) -> None:
        """Writers of a project's "blocks" relations take turns, so each cycle check sees
        every edge committed before it."""
        await self.lock_key(f"blocks:{project_id}")

    async def blocks_edges(self, project_id: UUID) -> dict[UUID, list[UUID]]:
        edges: defaultdict[UUID, list[UUID]] = defaultdict(list)
        rows = await self.session.execute(
            select(IssueRelation.issue_id, IssueRelation.related_id).where(
                IssueRelation.project_id == project_id,
                IssueRelation.kind == RelationKind.BLOCKS.value,
            )
        )
        for blocker, blocked in rows:
            edges[blocker].append(blocked)
        return edges

    async def blockers(self, project_id: UUID) -> dict[UUID, list[UUID]]:
        """For each blocked issue of the project, the issues blocking it."""
        found: defaultdict[UUID, list[UUID]] = defaultdict(list)
        for blockers, blocked in (await self.blocks_edges(project_id)).items():
            for issue_id in blocked:
                found[issue_id].append(blockers)
        return found

    async def page(
        self, project_id: UUID, issue_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[IssueRelation]:
        query = select(IssueRelation).where(
            IssueRelation.project_id == project_id,
            or_(IssueRelation.issue_id == issue_id, IssueRelation.related_id == issue_id),
        )
        return (await self.session.scalars(apply_keyset(query, key, params))).all()

    async def get_for_update(self, issue_id: UUID, relation_id: UUID) -> IssueRelation | None:
        return await self.lock_for_update(
            select(IssueRelation).where(
                IssueRelation.id == relation_id,
                or_(IssueRelation.issue_id == issue_id, IssueRelation.related_id == issue_id),
            )
        )
