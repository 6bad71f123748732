"""Workspace events as the workspace service publishes them (the documented `data` shapes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from worksync.common.events.envelope import CloudEvent
from worksync.common.ids import new_id

SOURCE = "worksync/workspace"
# A workspace's rounding rule unless a test names another: durations to the nearest 15 minutes.
QUARTER_HOURS: dict[str, Any] = {
    "begin": None,
    "end": None,
    "duration": {"step_minutes": 15, "mode": "nearest"},
}
# Memberships are rows of their own upstream; their ids only name the event's subject here.
MEMBERSHIP_IDS = uuid.uuid5(uuid.NAMESPACE_URL, "https://worksync.dev/tests/memberships")


def _event(
    event_type: str, subject: UUID, workspace_id: UUID, sequence: int, data: dict[str, Any]
) -> CloudEvent:
    return CloudEvent(
        source=SOURCE,
        type=event_type,
        subject=str(subject),
        workspaceid=str(workspace_id),
        sequence=sequence,
        data=data,
    )


def workspace_event(
    verb: str,
    workspace_id: UUID,
    *,
    slug: str,
    sequence: int,
    name: str = "Acme",
    owner_id: UUID | None = None,
    timezone: str = "Europe/Vienna",
    week_start: str = "monday",
    working_hours_per_day: str = "7.50",
    rounding: dict[str, Any] | None = None,
) -> CloudEvent:
    """`rounding`: the rule as the event carries it (default `QUARTER_HOURS`)."""
    data = {
        "workspace_id": str(workspace_id),
        "slug": slug,
        "name": name,
        "owner_id": str(owner_id or new_id()),
        "timezone": timezone,
        "week_start": week_start,
        "working_hours_per_day": working_hours_per_day,
        "currency": "EUR",
        "rounding": QUARTER_HOURS if rounding is None else rounding,
        "lockdown_date": "2026-01-31",
        "timesheet_period": "weekly",
    }
    return _event(f"workspace.workspace.{verb}", workspace_id, workspace_id, sequence, data)


def member_event(
    verb: str,
    workspace_id: UUID,
    user_id: UUID,
    *,
    role: str,
    sequence: int,
    email: str | None = None,
    display_name: str = "Ada Lovelace",
) -> CloudEvent:
    data = {
        "workspace_id": str(workspace_id),
        "user_id": str(user_id),
        "role": role,
        "email": email or f"{user_id.hex[:8]}@example.com",
        "display_name": display_name,
    }
    subject = uuid.uuid5(MEMBERSHIP_IDS, f"{workspace_id}/{user_id}")
    return _event(f"workspace.member.{verb}", subject, workspace_id, sequence, data)


def project_event(
    verb: str,
    project_id: UUID,
    workspace_id: UUID,
    *,
    sequence: int,
    name: str = "Apollo",
    identifier: str = "APL",
    is_time_tracking_enabled: bool = True,
    visibility: str = "public",
    default_hourly_rate: str | None = "80.00",
    client_id: UUID | None = None,
    rounding: dict[str, Any] | None = None,
    archived_at: datetime | None = None,
) -> CloudEvent:
    """`rounding`: the project's own rule (default None: it follows the workspace's)."""
    data = {
        "project_id": str(project_id),
        "workspace_id": str(workspace_id),
        "identifier": identifier,
        "name": name,
        "status": "active",
        "priority": "high",
        "is_time_tracking_enabled": is_time_tracking_enabled,
        "visibility": visibility,
        "currency": "EUR",
        "default_hourly_rate": default_hourly_rate,
        "budget_amount": "12000.00",
        "budget_hours": 150.5,
        "start_date": "2026-01-01",
        "end_date": None,
        "lead_id": None,
        "client_id": None if client_id is None else str(client_id),
        "department_id": None,
        "rounding": rounding,
        "archived_at": archived_at.isoformat() if archived_at else None,
    }
    return _event(f"workspace.project.{verb}", project_id, workspace_id, sequence, data)


def project_member_event(
    verb: str,
    project_id: UUID,
    workspace_id: UUID,
    user_id: UUID,
    *,
    role: str,
    sequence: int,
    hourly_rate: str | None = None,
) -> CloudEvent:
    data = {
        "project_id": str(project_id),
        "workspace_id": str(workspace_id),
        "user_id": str(user_id),
        "role": role,
        "hourly_rate": hourly_rate,
    }
    subject = uuid.uuid5(MEMBERSHIP_IDS, f"{project_id}/{user_id}")
    return _event(f"workspace.project_member.{verb}", subject, workspace_id, sequence, data)


def client_event(
    verb: str, client_id: UUID, workspace_id: UUID, *, sequence: int, name: str = "Initech"
) -> CloudEvent:
    data = {"client_id": str(client_id), "workspace_id": str(workspace_id), "name": name}
    return _event(f"workspace.client.{verb}", client_id, workspace_id, sequence, data)


def republished(event: CloudEvent) -> CloudEvent:
    """The same event sent again under a new id (a producer retrying), which the inbox
    cannot recognise: only the sequence keeps it from changing anything."""
    return event.model_copy(update={"id": new_id()})
