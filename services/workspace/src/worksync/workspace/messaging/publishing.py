"""Rows -> events -> outbox. Each publish bumps the row's `version` and uses it as the
event's sequence, in the transaction that changed the row."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.envelope import IntegrationEvent
from worksync.workspace.messaging.published import (
    DepartmentSnapshot,
    MemberSnapshot,
    ProjectMemberSnapshot,
    ProjectSnapshot,
    StaffSnapshot,
    TeamMemberSnapshot,
    TeamSnapshot,
    WorkspaceSnapshot,
    outbox,
)
from worksync.workspace.models import (
    Department,
    Membership,
    Project,
    ProjectMembership,
    StaffProfile,
    Team,
    TeamMembership,
    Workspace,
)


class _Aggregate(Protocol):
    @property
    def id(self) -> UUID: ...

    @property
    def version(self) -> int: ...


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


async def _record(
    session: AsyncSession,
    aggregate: _Aggregate,
    data: IntegrationEvent,
    *,
    workspace_id: UUID,
    actor_id: UUID | None,
) -> None:
    """Into the outbox, with the aggregate as subject and its (bumped) version as sequence."""
    await outbox.add(
        session,
        data,
        subject=aggregate.id,
        sequence=aggregate.version,
        workspace_id=workspace_id,
        actor_id=actor_id,
    )


async def publish_workspace(
    session: AsyncSession,
    workspace: Workspace,
    event: type[WorkspaceSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    workspace.version += 1
    data = event(
        workspace_id=workspace.id,
        slug=workspace.slug,
        name=workspace.name,
        owner_id=workspace.owner_id,
        timezone=workspace.timezone,
        week_start=workspace.week_start,
        working_hours_per_day=float(workspace.working_hours_per_day),
        currency=workspace.currency,
        rounding_step_minutes=workspace.rounding_step_minutes,
        rounding_mode=workspace.rounding_mode,
        rounding_applies_to=workspace.rounding_applies_to,
        lockdown_date=workspace.lockdown_date,
        timesheet_period=workspace.timesheet_period,
    )
    await _record(session, workspace, data, actor_id=actor_id, workspace_id=workspace.id)


async def publish_member(
    session: AsyncSession,
    membership: Membership,
    event: type[MemberSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    membership.version += 1
    data = event(
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        role=membership.role,
        email=membership.email,
        display_name=membership.display_name,
    )
    await _record(
        session, membership, data, workspace_id=membership.workspace_id, actor_id=actor_id
    )


async def publish_project(
    session: AsyncSession,
    project: Project,
    event: type[ProjectSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    project.version += 1
    data = event(
        project_id=project.id,
        workspace_id=project.workspace_id,
        identifier=project.identifier,
        name=project.name,
        status=project.status,
        priority=project.priority,
        is_time_tracking_enabled=project.is_time_tracking_enabled,
        currency=project.currency,
        default_hourly_rate=_money(project.default_hourly_rate),
        budget_amount=_money(project.budget_amount),
        budget_hours=None if project.budget_hours is None else float(project.budget_hours),
        start_date=project.start_date,
        end_date=project.end_date,
        lead_id=project.lead_id,
        client_id=project.client_id,
        department_id=project.department_id,
        archived_at=project.archived_at,
    )
    await _record(session, project, data, workspace_id=project.workspace_id, actor_id=actor_id)


async def publish_project_member(
    session: AsyncSession,
    membership: ProjectMembership,
    event: type[ProjectMemberSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    membership.version += 1
    data = event(
        project_id=membership.project_id,
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        role=membership.role,
        hourly_rate=_money(membership.hourly_rate),
    )
    await _record(
        session, membership, data, workspace_id=membership.workspace_id, actor_id=actor_id
    )


async def publish_team(
    session: AsyncSession, team: Team, event: type[TeamSnapshot], *, actor_id: UUID | None
) -> None:
    team.version += 1
    data = event(
        team_id=team.id, workspace_id=team.workspace_id, name=team.name, lead_id=team.lead_id
    )
    await _record(session, team, data, workspace_id=team.workspace_id, actor_id=actor_id)


async def publish_team_member(
    session: AsyncSession,
    team: Team,
    membership: TeamMembership,
    event: type[TeamMemberSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    """Team member events count in the team's sequence: the team is their aggregate."""
    team.version += 1
    data = event(
        team_id=team.id,
        workspace_id=team.workspace_id,
        name=team.name,
        lead_id=team.lead_id,
        user_id=membership.user_id,
        allocation_percent=membership.allocation_percent,
    )
    await _record(session, team, data, workspace_id=team.workspace_id, actor_id=actor_id)


async def publish_department(
    session: AsyncSession,
    department: Department,
    event: type[DepartmentSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    department.version += 1
    data = event(
        department_id=department.id,
        workspace_id=department.workspace_id,
        name=department.name,
        code=department.code,
        short_name=department.short_name,
        dept_code=department.dept_code,
        parent_id=department.parent_id,
        level=department.level,
        manager_id=department.manager_id,
        linked_project_id=department.linked_project_id,
        is_active=department.is_active,
    )
    await _record(
        session, department, data, workspace_id=department.workspace_id, actor_id=actor_id
    )


async def publish_staff(
    session: AsyncSession,
    profile: StaffProfile,
    event: type[StaffSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    profile.version += 1
    data = event(
        staff_profile_id=profile.id,
        workspace_id=profile.workspace_id,
        user_id=profile.user_id,
        staff_id=profile.staff_id,
        department_id=profile.department_id,
        position=profile.position,
        job_grade=profile.job_grade,
        employment_status=profile.employment_status,
        is_department_manager=profile.is_department_manager,
        date_of_joining=profile.date_of_joining,
        date_of_leaving=profile.date_of_leaving,
    )
    await _record(session, profile, data, workspace_id=profile.workspace_id, actor_id=actor_id)
