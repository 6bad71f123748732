"""Rows turned into the events of `published.py`, and recorded in the outbox.

Every event is read off its row as it stands, in the transaction that changed the row; the
recorder makes it the row's next `version` and uses that as the event's sequence (team
member events count in their team's).
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.outbox import EventRecorder
from worksync.common.fields import money_text
from worksync.workspace.messaging.published import (
    ClientSnapshot,
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
    Client,
    Department,
    Membership,
    Project,
    ProjectMembership,
    StaffProfile,
    Team,
    TeamMembership,
    Workspace,
)
from worksync.workspace.rounding import override_of, rule_of

recorder = EventRecorder(outbox)


async def record_workspace(
    session: AsyncSession,
    workspace: Workspace,
    event_class: type[WorkspaceSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    data = event_class(
        workspace_id=workspace.id,
        slug=workspace.slug,
        name=workspace.name,
        owner_id=workspace.owner_id,
        timezone=workspace.timezone,
        week_start=workspace.week_start,
        working_hours_per_day=float(workspace.working_hours_per_day),
        currency=workspace.currency,
        rounding=rule_of(workspace),
        lockdown_date=workspace.lockdown_date,
        timesheet_period=workspace.timesheet_period,
    )
    await recorder.record(session, workspace, data, workspace_id=workspace.id, actor_id=actor_id)


async def record_member(
    session: AsyncSession,
    membership: Membership,
    event_class: type[MemberSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    data = event_class(
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        role=membership.role,
        email=membership.email,
        display_name=membership.display_name,
    )
    await recorder.record(
        session, membership, data, workspace_id=membership.workspace_id, actor_id=actor_id
    )


async def record_project(
    session: AsyncSession,
    project: Project,
    event_class: type[ProjectSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    data = event_class(
        project_id=project.id,
        workspace_id=project.workspace_id,
        identifier=project.identifier,
        name=project.name,
        status=project.status,
        priority=project.priority,
        is_time_tracking_enabled=project.is_time_tracking_enabled,
        visibility=project.visibility,
        currency=project.currency,
        default_hourly_rate=money_text(project.default_hourly_rate),
        budget_amount=money_text(project.budget_amount),
        budget_hours=None if project.budget_hours is None else float(project.budget_hours),
        start_date=project.start_date,
        end_date=project.end_date,
        lead_id=project.lead_id,
        client_id=project.client_id,
        department_id=project.department_id,
        rounding=override_of(project),
        archived_at=project.archived_at,
    )
    await recorder.record(
        session, project, data, workspace_id=project.workspace_id, actor_id=actor_id
    )


async def record_project_member(
    session: AsyncSession,
    membership: ProjectMembership,
    event_class: type[ProjectMemberSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    data = event_class(
        project_id=membership.project_id,
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        role=membership.role,
        hourly_rate=money_text(membership.hourly_rate),
    )
    await recorder.record(
        session, membership, data, workspace_id=membership.workspace_id, actor_id=actor_id
    )


async def record_client(
    session: AsyncSession,
    client: Client,
    event_class: type[ClientSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    data = event_class(client_id=client.id, workspace_id=client.workspace_id, name=client.name)
    await recorder.record(
        session, client, data, workspace_id=client.workspace_id, actor_id=actor_id
    )


async def record_team(
    session: AsyncSession, team: Team, event_class: type[TeamSnapshot], *, actor_id: UUID | None
) -> None:
    data = event_class(
        team_id=team.id, workspace_id=team.workspace_id, name=team.name, lead_id=team.lead_id
    )
    await recorder.record(session, team, data, workspace_id=team.workspace_id, actor_id=actor_id)


async def record_team_member(
    session: AsyncSession,
    team: Team,
    membership: TeamMembership,
    event_class: type[TeamMemberSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    """Team member events count in the team's sequence: the team is their aggregate."""
    data = event_class(
        team_id=team.id,
        workspace_id=team.workspace_id,
        name=team.name,
        lead_id=team.lead_id,
        user_id=membership.user_id,
        allocation_percent=membership.allocation_percent,
    )
    await recorder.record(session, team, data, workspace_id=team.workspace_id, actor_id=actor_id)


async def record_department(
    session: AsyncSession,
    department: Department,
    event_class: type[DepartmentSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    data = event_class(
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
    await recorder.record(
        session, department, data, workspace_id=department.workspace_id, actor_id=actor_id
    )


async def record_staff(
    session: AsyncSession,
    profile: StaffProfile,
    event_class: type[StaffSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    data = event_class(
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
        skills=list(profile.skills),
    )
    await recorder.record(
        session, profile, data, workspace_id=profile.workspace_id, actor_id=actor_id
    )
