"""SQL of a project's own rows here: its issue counter, default states and settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from worksync.common.repository import Repository
from worksync.work_items.models import IssueCounter, ProjectSettings, State


class ProjectRepository(Repository):
    async def is_set_up(self, project_id: UUID) -> bool:
        found = await self.session.scalar(
            select(IssueCounter.project_id).where(IssueCounter.project_id == project_id)
        )
        return found is not None

    async def claim(self, workspace_id: UUID, project_id: UUID) -> bool:
        """Insert the project's counter; False when it exists (a concurrent claim waits for
        the first one's commit, then finds it)."""
        claimed = await self.session.scalar(
            insert(IssueCounter)
            .values(project_id=project_id, workspace_id=workspace_id)
            .on_conflict_do_nothing(index_elements=[IssueCounter.project_id])
            .returning(IssueCounter.project_id)
        )
        return claimed is not None

    async def add_states(self, states: Sequence[dict[str, Any]]) -> None:
        await self.session.execute(insert(State).values(list(states)))

    async def reserve_sequence_ids(self, project_id: UUID, count: int) -> int:
        """The first of `count` consecutive issue numbers; the project's rank lock must be held
        (see `IssueRepository.next_number_position_and_rank`). The counter row stays locked
        until commit, so numbers are never shared; a rolled-back create gives its numbers
        back, a committed one never does (deletion keeps the number taken)."""
        statement = (
            update(IssueCounter)
            .where(IssueCounter.project_id == project_id)
            .values(last_sequence_id=IssueCounter.last_sequence_id + count)
            .returning(IssueCounter.last_sequence_id)
        )
        return int((await self.session.execute(statement)).scalar_one()) - count + 1

    async def guests_may_comment(self, project_id: UUID) -> bool:
        allowed = await self.session.scalar(
            select(ProjectSettings.guests_may_comment).where(
                ProjectSettings.project_id == project_id
            )
        )
        return bool(allowed)

    async def locked_settings_version(self, project_id: UUID) -> int:
        """The version of the project's settings (0: the defaults, no row yet), kept until the
        transaction ends: the row may not exist yet, so a key is locked, not a row."""
        await self.lock_key(f"project_settings:{project_id}")
        return await self.settings_version(project_id)

    async def settings_version(self, project_id: UUID) -> int:
        version = await self.session.scalar(
            select(ProjectSettings.version).where(ProjectSettings.project_id == project_id)
        )
        return version or 0

    async def save_settings(
        self, workspace_id: UUID, project_id: UUID, *, guests_may_comment: bool
    ) -> None:
        """Store the settings as their next version."""
        await self.session.execute(
            insert(ProjectSettings)
            .values(
                project_id=project_id,
                workspace_id=workspace_id,
                guests_may_comment=guests_may_comment,
            )
            .on_conflict_do_update(
                index_elements=[ProjectSettings.project_id],
                set_={
                    "guests_may_comment": guests_may_comment,
                    "updated_at": func.now(),
                    "version": ProjectSettings.version + 1,
                },
            )
        )
