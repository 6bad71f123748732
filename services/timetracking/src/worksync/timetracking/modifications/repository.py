"""Every SQL statement on modification requests."""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from sqlalchemy import Select, bindparam, or_, select

from worksync.common.directory import READER_ID, READER_WORKSPACE_ID, ReaderIds, reader_values
from worksync.common.pagination import PageParams, SortKey, apply_bound_keyset, keyset_parameters
from worksync.common.repository import BoundFilters, Repository
from worksync.timetracking.errors import ModificationRequestPending
from worksync.timetracking.models import PENDING_REQUEST_INDEX, ModificationRequest
from worksync.timetracking.modifications.schemas import RequestFilters
from worksync.timetracking.timesheets.teams import members_led_by

# The list's filters (`RequestFilters`' fields), each a condition on a value bound by its
# name: the page's select is built once per shape.
_FILTERS = BoundFilters(
    {
        "state": ModificationRequest.state == bindparam("state"),
        "user_id": ModificationRequest.user_id == bindparam("user_id"),
    }
)


@lru_cache(maxsize=32)
def _page(
    everyone: bool, filtered: frozenset[str], key: SortKey, *, after_cursor: bool
) -> Select[ModificationRequest]:
    """A keyset page of the reader's workspace's requests the reader may see (the kit's
    `READER_…`): all (`everyone`), or about their time, asked by them, or about the time of
    the members of the teams they lead."""
    query = select(ModificationRequest).where(
        ModificationRequest.workspace_id == READER_WORKSPACE_ID
    )
    if not everyone:
        query = query.where(
            or_(
                ModificationRequest.user_id == READER_ID,
                ModificationRequest.requested_by == READER_ID,
                ModificationRequest.user_id.in_(members_led_by(READER_WORKSPACE_ID, READER_ID)),
            )
        )
    query = query.where(*_FILTERS.conditions(filtered))
    return apply_bound_keyset(query, key, after_cursor=after_cursor)


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
        reader: ReaderIds,
        filters: RequestFilters,
        key: SortKey,
        params: PageParams,
        *,
        everyone: bool,
    ) -> list[ModificationRequest]:
        """A keyset page of the requests `reader` may see (any of the workspace's:
        `everyone`, as admins do): about their own time, asked by them, or about the time
        of the members of teams they lead."""
        values = _FILTERS.given(filters)
        statement = _page(everyone, frozenset(values), key, after_cursor=params.cursor is not None)
        parameters = {**reader_values(reader), **values, **keyset_parameters(key, params)}
        return list(await self.session.scalars(statement, parameters))
