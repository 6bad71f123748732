"""SQL of labels."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select, update

from worksync.common.errors import NameTaken
from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.work_items.hierarchy import HierarchyRepository
from worksync.work_items.models import Label

NAME_UNIQUE = "uq_labels_project_id_lower_name"


class LabelRepository(HierarchyRepository):
    constraint_errors = {NAME_UNIQUE: lambda: NameTaken("label", where="of this project")}
    kind = "label"
    id_column = Label.id
    parent_column = Label.parent_id

    async def get(
        self, project_id: UUID, label_id: UUID, *, for_update: bool = False
    ) -> Label | None:
        query = select(Label).where(Label.project_id == project_id, Label.id == label_id)
        if for_update:
            return await self.lock_for_update(query)
        return await self.session.scalar(query)

    async def page(
        self, workspace_id: UUID, project_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[Label]:
        query = select(Label).where(
            Label.workspace_id == workspace_id, Label.project_id == project_id
        )
        return (await self.session.scalars(apply_keyset(query, key, params))).all()

    async def detach_children(self, label: Label) -> None:
        """The label's children become top-level labels."""
        await self.execute(
            update(Label)
            .where(Label.project_id == label.project_id, Label.parent_id == label.id)
            .values(parent_id=None, version=Label.version + 1)
            .execution_options(synchronize_session=False)
        )
