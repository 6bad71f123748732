"""SQL of labels."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.work_items.errors import violated_unique
from worksync.work_items.hierarchy import would_loop
from worksync.work_items.models import Label

NAME_UNIQUE = "uq_labels_project_id_lower_name"


class DuplicateName(Exception):
    """Another label of the project has this name."""


class LabelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, label: Label) -> None:
        self.session.add(label)
        await self.save()

    async def save(self) -> None:
        """Flush pending changes; raises DuplicateName for a taken name."""
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if violated_unique(exc, NAME_UNIQUE):
                raise DuplicateName from exc
            raise

    async def get(
        self, project_id: UUID, label_id: UUID, *, for_update: bool = False
    ) -> Label | None:
        query = select(Label).where(Label.project_id == project_id, Label.id == label_id)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def page(
        self, workspace_id: UUID, project_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[Label]:
        query = select(Label).where(
            Label.workspace_id == workspace_id, Label.project_id == project_id
        )
        return (await self.session.scalars(apply_keyset(query, key, params))).all()

    async def would_loop(self, label_id: UUID, parent_id: UUID) -> bool:
        return await would_loop(
            self.session, Label.id, Label.parent_id, node_id=label_id, parent_id=parent_id
        )

    async def delete(self, label: Label) -> None:
        """Delete the label: its children become top-level, its issues lose it (cascade)."""
        await self.session.execute(
            update(Label)
            .where(Label.project_id == label.project_id, Label.parent_id == label.id)
            .values(parent_id=None)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(delete(Label).where(Label.id == label.id))
