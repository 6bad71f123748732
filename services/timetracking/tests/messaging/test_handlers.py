"""Issue events -> the issue projection: newest sequence wins, whatever the order, twice."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.workspace_events import republished
from worksync.timetracking.messaging.handlers import HANDLERS
from worksync.timetracking.models import Issue
from worksync.timetracking.testing import Issues, issue_event


async def stored(sessionmaker: async_sessionmaker[AsyncSession], issue_id: UUID) -> Issue | None:
    async with sessionmaker() as session:
        return await session.scalar(select(Issue).where(Issue.issue_id == issue_id))


async def test_issue_events_apply_newest_first_and_ignore_repeats(
    issues: Issues, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    issue_id, workspace_id, project_id = new_id(), new_id(), new_id()

    renamed = issue_event(
        "updated",
        issue_id,
        workspace_id=workspace_id,
        project_id=project_id,
        sequence=2,
        title="Renamed",
        estimate_minutes=90,
    )
    created = issue_event(
        "created",
        issue_id,
        workspace_id=workspace_id,
        project_id=project_id,
        sequence=1,
        title="Original",
    )
    # Out of order: the update overtakes the creation, which then changes nothing.
    await issues.deliver(renamed)
    await issues.deliver(created)
    await issues.deliver(republished(created))
    found = await stored(sessionmaker, issue_id)
    assert found is not None
    assert (found.title, found.estimate_minutes, found.sequence, found.deleted) == (
        "Renamed",
        90,
        2,
        False,
    )
    deleted = issue_event(
        "deleted",
        issue_id,
        workspace_id=workspace_id,
        project_id=project_id,
        sequence=3,
        title="Renamed",
        deleted_at=datetime.now(UTC),
    )
    await issues.deliver(deleted)
    await issues.deliver(renamed)
    assert (await stored(sessionmaker, issue_id)).deleted is True  # type: ignore[union-attr]
    restored = issue_event(
        "restored",
        issue_id,
        workspace_id=workspace_id,
        project_id=project_id,
        sequence=4,
        title="Back",
    )
    await issues.deliver(restored)
    await issues.deliver(deleted)
    back = await stored(sessionmaker, issue_id)
    assert back is not None
    assert (back.title, back.deleted, back.sequence) == ("Back", False, 4)


def test_every_issue_directory_and_client_event_has_a_handler() -> None:
    for verb in ("created", "updated", "deleted", "restored"):
        assert f"workitems.issue.{verb}" in HANDLERS
    for event_type in (
        "workspace.workspace.created",
        "workspace.member.added",
        "workspace.project.archived",
        "workspace.project_member.removed",
        "workspace.client.created",
        "workspace.client.updated",
        "workspace.client.deleted",
    ):
        assert event_type in HANDLERS
