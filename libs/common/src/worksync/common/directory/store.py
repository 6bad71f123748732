"""Every statement on the directory's tables: sequence-guarded upserts and the look-ups.

A write applies only when its sequence is newer than the stored one, so duplicates and
reordering change nothing, whether the write comes from an event or from the fallback.
(One exception, for members: an event of the version the fallback stored may still fill in
the email and display name the fallback could not learn.)
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    Text,
    Uuid,
    and_,
    bindparam,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory.tables import DirectoryTables
from worksync.common.repository import AlsoWhen, upsert_if_newer
from worksync.common.roles import ProjectRole, ProjectVisibility, WorkspaceRole

ColumnValues = Mapping[str, object]

UNKNOWN_SEQUENCE = -1
"""The sequence of a workspace row the fallback created without knowing its version: lower
than any real version, so the workspace's first event fills it in."""


@dataclass(frozen=True)
class DirectoryMembership:
    """A user's live membership of a workspace, as the directory knows it."""

    workspace_id: UUID
    slug: str
    user_id: UUID
    role: WorkspaceRole


@dataclass(frozen=True)
class StoredProject:
    """A project row and the caller's live project role (None when they hold none)."""

    id: UUID
    workspace_id: UUID
    identifier: str
    name: str
    status: str
    is_time_tracking_enabled: bool
    visibility: ProjectVisibility
    archived_at: datetime | None
    deleted: bool
    member_role: ProjectRole | None


async def _upsert(
    session: AsyncSession,
    table: Table,
    values: ColumnValues,
    *,
    key: tuple[str, ...],
    also_when: AlsoWhen | None = None,
) -> None:
    statement = upsert_if_newer(table, tuple(values), key=key, also_when=also_when)
    await session.execute(statement, dict(values))


async def _release_slug(
    session: AsyncSession, tables: DirectoryTables, *, workspace_id: UUID, slug: str
) -> None:
    # Slugs are unique upstream at any moment, so a row claiming one proves that whichever
    # other row holds it is stale (renamed or deleted, its event still on the way).
    table = tables.workspaces
    await session.execute(
        update(table).where(table.c.slug == slug, table.c.id != workspace_id).values(slug=None)
    )


async def apply_workspace(
    session: AsyncSession,
    tables: DirectoryTables,
    *,
    workspace_id: UUID,
    slug: str,
    deleted: bool,
    settings: ColumnValues,
    sequence: int,
) -> None:
    """Store a workspace's state; `settings` are its other columns (name, timezone, ...)."""
    table = tables.workspaces
    stored = await session.scalar(
        select(table.c.sequence).where(table.c.id == workspace_id).with_for_update()
    )
    if stored is not None and stored >= sequence:
        return
    if not deleted:
        await _release_slug(session, tables, workspace_id=workspace_id, slug=slug)
    values = {
        **settings,
        "id": workspace_id,
        # A deleted workspace gives its slug up, so it can never shadow a newer owner.
        "slug": None if deleted else slug,
        "deleted": deleted,
        "sequence": sequence,
    }
    await _upsert(session, table, values, key=("id",))


async def claim_slug(
    session: AsyncSession, tables: DirectoryTables, *, workspace_id: UUID, slug: str
) -> None:
    """Record what the workspace API just said: `slug` names `workspace_id` (a live one)."""
    await _release_slug(session, tables, workspace_id=workspace_id, slug=slug)
    table = tables.workspaces
    statement = insert(table).values(
        id=workspace_id, slug=slug, deleted=False, sequence=UNKNOWN_SEQUENCE
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"slug": statement.excluded.slug},
            where=table.c.deleted.is_(False),
        )
    )


async def apply_member(
    session: AsyncSession, tables: DirectoryTables, values: ColumnValues, *, sequence: int
) -> None:
    """Store a membership (`values` hold `workspace_id`, `user_id`, `role`, `removed`, and
    `email` and `display_name` when known)."""
    await _upsert(
        session,
        tables.members,
        {**values, "sequence": sequence},
        key=("workspace_id", "user_id"),
        also_when=_fills_in_details,
    )


def _fills_in_details(table: Table, excluded: Any) -> ColumnElement[bool]:
    """The fallback of the caller's own membership (`members/me`) cannot learn their email;
    the event of the very same version may still fill it in (role and removal are the same
    at the same version)."""
    return and_(
        table.c.sequence == excluded.sequence,
        table.c.email.is_(None),
        excluded.email.is_not(None),
    )


async def apply_project(
    session: AsyncSession, tables: DirectoryTables, values: ColumnValues, *, sequence: int
) -> None:
    await _upsert(session, tables.projects, {**values, "sequence": sequence}, key=("id",))


async def apply_project_member(
    session: AsyncSession, tables: DirectoryTables, values: ColumnValues, *, sequence: int
) -> None:
    await _upsert(
        session,
        tables.project_members,
        {**values, "sequence": sequence},
        key=("project_id", "user_id"),
    )


# The look-ups every request makes are built once per service (per table set) with bound
# values: building a select with a lateral subquery costs more Python than running it.
SLUG = bindparam("slug", type_=Text)
USER_ID = bindparam("user_id", type_=Uuid)
PROJECT_ID = bindparam("project_id", type_=Uuid)


@cache
def _membership_query(tables: DirectoryTables) -> Select[UUID, str, str]:
    workspaces, members = tables.workspaces, tables.members
    return (
        select(workspaces.c.id, workspaces.c.slug, members.c.role)
        .join_from(workspaces, members, members.c.workspace_id == workspaces.c.id)
        .where(
            workspaces.c.slug == SLUG,
            workspaces.c.deleted.is_(False),
            members.c.user_id == USER_ID,
            members.c.removed.is_(False),
        )
    )


async def find_membership(
    session: AsyncSession, tables: DirectoryTables, *, slug: str, user_id: UUID
) -> DirectoryMembership | None:
    """The user's live membership of the live workspace named `slug`, if the projection has it."""
    row = (
        await session.execute(_membership_query(tables), {"slug": slug, "user_id": user_id})
    ).one_or_none()
    if row is None:
        return None
    return DirectoryMembership(
        workspace_id=row.id, slug=row.slug, user_id=user_id, role=WorkspaceRole(row.role)
    )


@cache
def _membership_and_project_query(tables: DirectoryTables) -> Select[Any]:
    project = _project_query(tables).subquery("project").lateral()
    return (
        _membership_query(tables)
        .add_columns(*(column.label(f"project_{column.name}") for column in project.c))
        .outerjoin(project, true())
    )


async def find_membership_and_project(
    session: AsyncSession, tables: DirectoryTables, *, slug: str, user_id: UUID, project_id: UUID
) -> tuple[DirectoryMembership, StoredProject | None] | None:
    """`find_membership` and, in the same statement, `find_project`: a request for a
    project costs one round trip for both (None when the projection has no membership)."""
    row = (
        await session.execute(
            _membership_and_project_query(tables),
            {"slug": slug, "user_id": user_id, "project_id": project_id},
        )
    ).one_or_none()
    if row is None:
        return None
    membership = DirectoryMembership(
        workspace_id=row.id, slug=row.slug, user_id=user_id, role=WorkspaceRole(row.role)
    )
    values = {
        key.removeprefix("project_"): value
        for key, value in row._mapping.items()
        if isinstance(key, str) and key.startswith("project_")
    }
    return membership, None if values["id"] is None else _stored_project(values)


async def find_members(
    session: AsyncSession, tables: DirectoryTables, *, workspace_id: UUID, user_ids: Set[UUID]
) -> dict[UUID, WorkspaceRole]:
    """The live roles in the workspace of those of `user_ids` the projection has as members."""
    if not user_ids:
        return {}
    members = tables.members
    rows = await session.execute(
        select(members.c.user_id, members.c.role).where(
            members.c.workspace_id == workspace_id,
            members.c.user_id.in_(user_ids),
            members.c.removed.is_(False),
        )
    )
    return {row.user_id: WorkspaceRole(row.role) for row in rows}


@cache
def _project_query(tables: DirectoryTables) -> Select[Any]:
    projects, project_members = tables.projects, tables.project_members
    return (
        select(
            projects.c.id,
            projects.c.workspace_id,
            projects.c.identifier,
            projects.c.name,
            projects.c.status,
            projects.c.is_time_tracking_enabled,
            projects.c.visibility,
            projects.c.archived_at,
            projects.c.deleted,
            project_members.c.role,
        )
        .outerjoin(
            project_members,
            and_(
                project_members.c.project_id == projects.c.id,
                project_members.c.user_id == USER_ID,
                project_members.c.removed.is_(False),
            ),
        )
        .where(projects.c.id == PROJECT_ID)
    )


def _stored_project(values: Mapping[str, Any]) -> StoredProject:
    """A `_project_query` row's values as a stored project."""
    role = values["role"]
    return StoredProject(
        id=values["id"],
        workspace_id=values["workspace_id"],
        identifier=values["identifier"],
        name=values["name"],
        status=values["status"],
        is_time_tracking_enabled=values["is_time_tracking_enabled"],
        visibility=ProjectVisibility(values["visibility"]),
        archived_at=values["archived_at"],
        deleted=values["deleted"],
        member_role=None if role is None else ProjectRole(role),
    )


async def find_project(
    session: AsyncSession, tables: DirectoryTables, *, project_id: UUID, user_id: UUID
) -> StoredProject | None:
    """The project row, live or not, with the user's live project role."""
    row = (
        await session.execute(
            _project_query(tables), {"project_id": project_id, "user_id": user_id}
        )
    ).one_or_none()
    if row is None:
        return None
    return _stored_project(row._mapping)


# Who reads, as values bound into a statement built once (`reader_values` gives them): what
# a member may see is the same SQL for every member, so a list's select is kept per shape
# rather than built per request with the reader's ids in it.
READER_WORKSPACE_ID = bindparam("reader_workspace_id", type_=Uuid)
READER_ID = bindparam("reader_id", type_=Uuid)


class ReaderIds(Protocol):
    """Who reads: a workspace member (`WorkspaceContext` is one)."""

    @property
    def workspace_id(self) -> UUID: ...

    @property
    def user_id(self) -> UUID: ...


def reader_values(reader: ReaderIds) -> dict[str, UUID]:
    """The values of `READER_WORKSPACE_ID` and `READER_ID` for `reader`."""
    return {"reader_workspace_id": reader.workspace_id, "reader_id": reader.user_id}


def projects_seen_by(
    tables: DirectoryTables,
    workspace_id: UUID | ColumnElement[UUID],
    user_id: UUID | ColumnElement[UUID],
) -> Select[UUID]:
    """The ids of the workspace's projects a member who administers none of them sees (a
    subquery): the public ones and those they belong to (`roles.sees_project`). Guests and
    admins are decided before: guests see only theirs, admins all."""
    projects, members = tables.projects, tables.project_members
    theirs = select(members.c.project_id).where(
        members.c.workspace_id == workspace_id,
        members.c.user_id == user_id,
        members.c.removed.is_(False),
    )
    return select(projects.c.id).where(
        projects.c.workspace_id == workspace_id,
        or_(projects.c.visibility == ProjectVisibility.PUBLIC.value, projects.c.id.in_(theirs)),
    )
