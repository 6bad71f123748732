"""Consumed events -> the directory and the issue, teams and clients projections.

Idempotent: the consumer's inbox drops duplicates, and the projection applies an event only
when its sequence is newer than the stored one, so redelivery and reordering are harmless.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import directory_handlers, merge_handlers
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler
from worksync.timetracking.issues.repository import IssueRepository, IssueState
from worksync.timetracking.messaging.consumed import (
    CLIENT_EVENTS,
    ISSUE_EVENTS,
    TEAM_EVENTS,
    TEAM_MEMBER_EVENTS,
    ClientDeleted,
    ClientSnapshot,
    IssueDeleted,
    IssueSnapshot,
    TeamDeleted,
    TeamMemberRemoved,
    TeamMemberSnapshot,
    TeamSnapshot,
)
from worksync.timetracking.models import directory_tables
from worksync.timetracking.reports.clients import ClientRepository
from worksync.timetracking.timesheets.teams import TeamRepository


def _on_issue(model: type[IssueSnapshot]) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        data = event.parse_data(model)
        state = IssueState(
            issue_id=data.issue_id,
            workspace_id=data.workspace_id,
            project_id=data.project_id,
            key=data.key,
            title=data.title,
            estimate_minutes=data.estimate_minutes,
            state_group=data.state_group,
            deleted=model is IssueDeleted or data.deleted_at is not None,
        )
        await IssueRepository(session).apply(state, sequence=event.sequence)

    return handle


ISSUE_HANDLERS: dict[str, Handler] = {model.event_type: _on_issue(model) for model in ISSUE_EVENTS}


def _on_team(model: type[TeamSnapshot]) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        data = event.parse_data(model)
        await TeamRepository(session).apply_team(
            data.team_id,
            data.workspace_id,
            data.lead_id,
            deleted=model is TeamDeleted,
            sequence=event.sequence,
        )

    return handle


def _on_team_member(model: type[TeamMemberSnapshot]) -> Handler:
    """A membership event carries its team as of the same sequence: both are applied."""

    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        data = event.parse_data(model)
        teams = TeamRepository(session)
        await teams.apply_team(
            data.team_id, data.workspace_id, data.lead_id, deleted=False, sequence=event.sequence
        )
        await teams.apply_member(
            data.team_id,
            data.user_id,
            data.workspace_id,
            removed=model is TeamMemberRemoved,
            sequence=event.sequence,
        )

    return handle


TEAM_HANDLERS: dict[str, Handler] = {
    **{model.event_type: _on_team(model) for model in TEAM_EVENTS},
    **{model.event_type: _on_team_member(model) for model in TEAM_MEMBER_EVENTS},
}


def _on_client(model: type[ClientSnapshot]) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        data = event.parse_data(model)
        await ClientRepository(session).apply(
            data.client_id,
            data.workspace_id,
            data.name,
            deleted=model is ClientDeleted,
            sequence=event.sequence,
        )

    return handle


CLIENT_HANDLERS: dict[str, Handler] = {
    model.event_type: _on_client(model) for model in CLIENT_EVENTS
}

HANDLERS: Mapping[str, Handler] = merge_handlers(
    directory_handlers(directory_tables), ISSUE_HANDLERS, TEAM_HANDLERS, CLIENT_HANDLERS
)
