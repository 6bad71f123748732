"""Every SQL statement on modification requests."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Select, or_, select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.timetracking.errors import ModificationRequestPending
from worksync.timetracking.models import PENDING_REQUEST_INDEX, ModificationRequest
from worksync.timetracking.modifications.schemas import RequestFilters
from worksync.timetracking.timesheets.teams import members_led_by


class ModificationRepository(Repository):
    constraint_errors = {PENDING_REQUEST_INDEX: ModificationRequestPending}

    async def get(
        self, workspace_id: UUID, request_id: UUID, *, for_update: bool = False
    ) -> ModificationRequest | None:
        query = select(ModificationRequest).where(
            ModificationRequest.id == request_id, ModificationRequest.workspace_id == workspace_id
        )
        if for_update:
            return await self.lock_for_update(query)
        return await self.session.scalar(query)

    async def page(
        self,
        workspace_id: UUID,
        reader: UUID | None,
        filters: RequestFilters,
        key: SortKey,
        params: PageParams,
    ) -> list[ModificationRequest]:
        """A keyset page of the requests `reader` may see (None: all, as admins do): about
        their own time, asked by them, or about the time of the members of teams they lead."""
        query: Select[ModificationRequest] = select(ModificationRequest).where(
            ModificationRequest.workspace_id == workspace_id
        )
        if reader is not None:
            query = query.where(
                or_(
                    ModificationRequest.user_id == reader,
                    ModificationRequest.requested_by == reader,
                    ModificationRequest.user_id.in_(members_led_by(workspace_id, reader)),
                )
            )
        if filters.state is not None:
            query = query.where(ModificationRequest.state == filters.state)
        if filters.user_id is not None:
            query = query.where(ModificationRequest.user_id == filters.user_id)
        return list(await self.session.scalars(apply_keyset(query, key, params)))
