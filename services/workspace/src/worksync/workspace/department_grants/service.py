"""Auto-sync: a department's manager is an admin of the projects linked to the department
and to every department below it.

One source of truth, `departments.manager_id`. After any change that may alter what the
tree grants (a manager, a link or a parent changed, a department deleted or restored, a
manager leaving), `sync_department_grants` compares what the tree grants now with the
grants recorded in `department_project_grants` and makes the difference:

- a (project, user) pair granted for the first time joins the project as admin, with
  `source = department`, unless the user is a project member already (then nothing is
  touched, and nothing will be taken away later);
- a pair no department grants any more leaves the project, but only if auto-sync made
  that membership (`source = department`): a membership someone added by hand stays.

It also keeps each staff profile's derived `is_department_manager` in step. Callers hold
the workspace's department lock (`DepartmentRepository.lock_tree`), taken before any row
lock, so grants are read and written by one transaction at a time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from worksync.common.roles import ProjectRole
from worksync.workspace.department_grants.repository import GrantRepository
from worksync.workspace.departments.repository import DepartmentRepository
from worksync.workspace.enums import ProjectMembershipSource
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.messaging.published import (
    DepartmentUpdated,
    ProjectMemberRemoved,
    StaffUpdated,
)
from worksync.workspace.messaging.recording import (
    record_department,
    record_project_member,
    record_staff,
)
from worksync.workspace.models import Department, Project
from worksync.workspace.project_members.repository import ProjectMemberRepository
from worksync.workspace.project_members.service import join_project


async def sync_department_grants(
    session: AsyncSession, workspace_id: UUID, *, now: datetime, actor_id: UUID | None
) -> None:
    """Bring grants, department-made project memberships and staff flags in line with the
    tree as it stands (pending changes are flushed first)."""
    grants = GrantRepository(session)
    await grants.flush()
    desired = await grants.desired(workspace_id)
    recorded = await grants.recorded(workspace_id)
    await grants.forget(recorded - desired)
    await grants.record(workspace_id, desired - recorded)

    granted = {(grant.project_id, grant.user_id) for grant in desired}
    held = {(grant.project_id, grant.user_id) for grant in recorded}
    # Sorted, so that concurrent transactions lock membership rows in one order.
    gained = sorted(granted - held)
    projects = await grants.live_projects(project_id for project_id, _ in gained)
    for project_id, user_id in gained:
        await _join(session, projects[project_id], user_id, now=now, actor_id=actor_id)
    for project_id, user_id in sorted(held - granted):
        await _leave(session, project_id, user_id, now=now, actor_id=actor_id)

    for profile in await grants.staff_with_stale_manager_flag(workspace_id):
        profile.is_department_manager = not profile.is_department_manager
        await record_staff(session, profile, StaffUpdated, actor_id=actor_id)
    await grants.flush()


async def _join(
    session: AsyncSession, project: Project, user_id: UUID, *, now: datetime, actor_id: UUID | None
) -> None:
    member = await MemberRepository(session).get_live(project.workspace_id, user_id)
    assert member is not None, "only live members are granted anything"
    await join_project(
        session,
        project,
        member,
        ProjectRole.ADMIN,
        None,
        now=now,
        actor_id=actor_id,
        source=ProjectMembershipSource.DEPARTMENT,
    )


async def _leave(
    session: AsyncSession,
    project_id: UUID,
    user_id: UUID,
    *,
    now: datetime,
    actor_id: UUID | None,
) -> None:
    membership = await ProjectMemberRepository(session).get_for_update(project_id, user_id)
    if (
        membership is None
        or membership.removed_at is not None
        or membership.source != ProjectMembershipSource.DEPARTMENT
    ):
        return
    membership.removed_at = now
    await record_project_member(session, membership, ProjectMemberRemoved, actor_id=actor_id)


async def _clear_departments_where(
    session: AsyncSession,
    workspace_id: UUID,
    column: InstrumentedAttribute[Any],
    value: UUID,
    *,
    now: datetime,
    actor_id: UUID | None,
) -> None:
    departments = DepartmentRepository(session)
    await departments.lock_tree(workspace_id)
    for department in await departments.live_where(workspace_id, column, value):
        setattr(department, column.key, None)
        await record_department(session, department, DepartmentUpdated, actor_id=actor_id)
    await sync_department_grants(session, workspace_id, now=now, actor_id=actor_id)


async def release_manager(
    session: AsyncSession,
    workspace_id: UUID,
    user_id: UUID,
    *,
    now: datetime,
    actor_id: UUID | None,
) -> None:
    """The user stops managing departments (they left, resigned or were suspended): the
    departments lose their manager and the grants go with it."""
    await _clear_departments_where(
        session, workspace_id, Department.manager_id, user_id, now=now, actor_id=actor_id
    )


async def unlink_project(
    session: AsyncSession, project: Project, *, now: datetime, actor_id: UUID | None
) -> None:
    """A deleted project stops being any department's linked project."""
    await _clear_departments_where(
        session,
        project.workspace_id,
        Department.linked_project_id,
        project.id,
        now=now,
        actor_id=actor_id,
    )
