"""Projects: creating, changing, archiving and deleting them, and who sees which.

Workspace owners and admins see every project; members the public ones and those they are
project members of; guests only the latter (`worksync.common.roles.sees_project`).
Members and above create projects and become their admins; project admins (workspace
admins and owners implicitly) change them. The identifier is fixed once created, except
for workspace admins and owners: issue keys are built from it. A project's money (budget,
budget hours, default rate) is shown only to its admins, who are the ones managing it. Its
own rounding rule changes billed time, so only workspace admins and owners set or clear it
(403 `insufficient_role` for anyone else, whatever their project role).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import Conflict, Forbidden, invalid_field, not_found, unknown_reference
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.roles import ProjectRole, WorkspaceRole
from worksync.workspace.access import ProjectAccess, WorkspaceAccess
from worksync.workspace.categories.service import CategoryService
from worksync.workspace.clients.service import ClientService
from worksync.workspace.department_grants.service import unlink_project
from worksync.workspace.departments.repository import DepartmentRepository
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.messaging.published import (
    ProjectArchived,
    ProjectCreated,
    ProjectDeleted,
    ProjectMemberRemoved,
    ProjectUnarchived,
    ProjectUpdated,
)
from worksync.workspace.messaging.recording import record_project, record_project_member
from worksync.workspace.models import Project as ProjectRow
from worksync.workspace.project_members.repository import ProjectMemberRepository
from worksync.workspace.project_members.service import join_project
from worksync.workspace.projects.repository import ProjectRepository
from worksync.workspace.projects.schemas import (
    Project,
    ProjectCreate,
    ProjectFilters,
    ProjectSort,
    ProjectUpdate,
)
from worksync.workspace.rounding import RoundingRule, override_columns
from worksync.workspace.teams.repository import TeamRepository

REFERENCES = ("lead_id", "client_id", "category_id", "department_id")
SORT_KEYS = {
    ProjectSort.NAME: sort_key("name", ProjectRow.name, ProjectRow.id),
    ProjectSort.CREATED_AT: sort_key("created_at", ProjectRow.created_at, ProjectRow.id),
    ProjectSort.NEWEST_FIRST: sort_key("-created_at", ProjectRow.created_at, ProjectRow.id),
}


class IdentifierFixed(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "Only workspace admins may change a project's identifier", code="identifier_fixed"
        )


class ProjectArchivedAlready(Conflict):
    def __init__(self) -> None:
        super().__init__("The project is archived already", code="project_archived")


class ProjectNotArchived(Conflict):
    def __init__(self) -> None:
        super().__init__("The project is not archived", code="project_not_archived")


def _check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise invalid_field("end_date", "must not lie before start_date")


# The columns a project update may change: its fields, with the rounding rule as its columns.
EDITABLE = [name for name in ProjectUpdate.model_fields if name != "rounding"] + list(
    override_columns(None)
)


def _fields(project: ProjectRow) -> dict[str, Any]:
    return {column: getattr(project, column) for column in EDITABLE}


def _check_rounding(
    access: WorkspaceAccess, project: ProjectRow | None, rule: RoundingRule | None
) -> dict[str, Any]:
    """The columns of the project's rule `rule`; refused unless the caller administers the
    workspace or the rule stays as it is."""
    columns = override_columns(rule)
    unchanged = (
        rule is None
        if project is None
        else all(getattr(project, name) == value for name, value in columns.items())
    )
    if not unchanged:
        access.require(WorkspaceRole.ADMIN)
    return columns


class ProjectService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.projects = ProjectRepository(session)

    async def create(
        self, access: WorkspaceAccess, request: ProjectCreate, now: datetime
    ) -> Project:
        _check_dates(request.start_date, request.end_date)
        rounding = _check_rounding(access, None, request.rounding)
        values = request.model_dump(exclude={"currency", "rounding"})
        await self._check_references(access.workspace_id, values)
        project = ProjectRow(
            workspace_id=access.workspace_id,
            currency=request.currency or access.workspace.currency,
            created_by_id=access.user_id,
            **values,
            **rounding,
        )
        await self.projects.add(project)
        await record_project(self.session, project, ProjectCreated, actor_id=access.user_id)
        await join_project(
            self.session,
            project,
            access.membership,
            ProjectRole.ADMIN,
            None,
            now=now,
            actor_id=access.user_id,
        )
        await self.projects.flush()
        # The creator has just become the project's admin.
        return Project.of(project, shows_money=True)

    async def page(
        self,
        access: WorkspaceAccess,
        filters: ProjectFilters,
        sort: ProjectSort,
        params: PageParams,
    ) -> tuple[list[Project], str | None]:
        key = SORT_KEYS[sort]
        only_of = None if access.is_admin else access.user_id
        rows = await self.projects.page(
            access.workspace_id,
            filters,
            only_of,
            key,
            params,
            public_too=access.role is not WorkspaceRole.GUEST,
        )
        items, next_cursor = build_page(rows, key, params)
        if access.is_admin:
            return [Project.of(row, shows_money=True) for row in items], next_cursor
        administered = await self.projects.administered_by(
            access.user_id, [row.id for row in items]
        )
        return [Project.of(row, shows_money=row.id in administered) for row in items], next_cursor

    async def update(
        self, access: ProjectAccess, request: ProjectUpdate, if_match: EntityTags | None = None
    ) -> Project:
        project = await self._lock(access)
        check_version(if_match, project.version)
        changes = request.model_dump(exclude_unset=True, exclude={"rounding"})
        if changes.get("identifier", project.identifier) != project.identifier and not (
            access.workspace.is_admin
        ):
            raise IdentifierFixed()
        if "rounding" in request.model_fields_set:
            changes |= _check_rounding(access.workspace, project, request.rounding)
        references = {
            name: value
            for name, value in changes.items()
            if name in REFERENCES and value != getattr(project, name)
        }
        await self._check_references(project.workspace_id, references)
        _check_dates(
            changes.get("start_date", project.start_date), changes.get("end_date", project.end_date)
        )
        before = _fields(project)
        for name, value in changes.items():
            setattr(project, name, value)
        if _fields(project) != before:
            await record_project(
                self.session, project, ProjectUpdated, actor_id=access.workspace.user_id
            )
            await self.projects.flush()
        return Project.of(project, shows_money=access.is_admin)

    async def archive(self, access: ProjectAccess, now: datetime) -> Project:
        project = await self._lock(access)
        if project.archived_at is not None:
            raise ProjectArchivedAlready()
        project.archived_at = now
        await record_project(
            self.session, project, ProjectArchived, actor_id=access.workspace.user_id
        )
        await self.projects.flush()
        return Project.of(project, shows_money=access.is_admin)

    async def unarchive(self, access: ProjectAccess) -> Project:
        project = await self._lock(access)
        if project.archived_at is None:
            raise ProjectNotArchived()
        project.archived_at = None
        await record_project(
            self.session, project, ProjectUnarchived, actor_id=access.workspace.user_id
        )
        await self.projects.flush()
        return Project.of(project, shows_money=access.is_admin)

    async def delete(
        self, access: ProjectAccess, now: datetime, if_match: EntityTags | None = None
    ) -> None:
        """Mark the project deleted, after ending its memberships and team assignments;
        departments linking it let go of it."""
        project = await self._lock(access)
        check_version(if_match, project.version)
        actor_id = access.workspace.user_id
        # Before the membership rows: auto-sync takes this lock first, then those rows.
        await DepartmentRepository(self.session).lock_tree(project.workspace_id)
        for membership in await ProjectMemberRepository(self.session).live_of_project(project.id):
            membership.removed_at = now
            await record_project_member(
                self.session, membership, ProjectMemberRemoved, actor_id=actor_id
            )
        await TeamRepository(self.session).unassign_all_from(project.id)
        project.deleted_at = now
        await record_project(self.session, project, ProjectDeleted, actor_id=actor_id)
        await unlink_project(self.session, project, now=now, actor_id=actor_id)

    async def _lock(self, access: ProjectAccess) -> ProjectRow:
        project = await self.projects.get_for_update(
            access.workspace.workspace_id, access.project.id
        )
        if project is None:  # deleted since the access check read it
            raise not_found("project")
        return project

    async def _check_references(self, workspace_id: UUID, values: dict[str, Any]) -> None:
        """The lead must be a member; client, category and department the workspace's own
        (and the department not deleted)."""
        lead_id, client_id, category_id, department_id = (values.get(name) for name in REFERENCES)
        if lead_id is not None and (
            await MemberRepository(self.session).get_live(workspace_id, lead_id) is None
        ):
            raise unknown_reference("lead_id", "member")
        if client_id is not None and not await ClientService(self.session).exists(
            workspace_id, client_id
        ):
            raise unknown_reference("client_id", "client")
        if category_id is not None and not await CategoryService(self.session).exists(
            workspace_id, category_id
        ):
            raise unknown_reference("category_id", "category")
        if department_id is not None and (
            await DepartmentRepository(self.session).get(workspace_id, department_id) is None
        ):
            raise unknown_reference("department_id", "department")
