"""Milestone progress from linked issues: the pure rule, and the issue events that move it
(duplicates, late and out-of-order deliveries, deletions and restores)."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.waiting import eventually
from worksync.common.testing.workspace_events import republished
from worksync.resources.milestones.progress import IssueState, derived_progress
from worksync.resources.testing import Team, issue_event, outbox_events

from .conftest import (
    add_milestone,
    milestones_url,
    project_lock_key,
    waiting_for_project_lock,
)


@pytest.mark.fast
def test_progress_by_estimate_or_by_count() -> None:
    done, open_ = "completed", "started"
    # Every counted issue estimated: the completed share of minutes, rounded down.
    assert derived_progress([IssueState(done, 60), IssueState(open_, 120)]) == 33
    # One without an estimate: by count.
    assert derived_progress([IssueState(done, 60), IssueState(open_, None)]) == 50
    # Not heard of yet: open without an estimate.
    assert derived_progress([IssueState(done, 60), None]) == 50
    # Deleted and cancelled issues do not count.
    assert (
        derived_progress(
            [IssueState(done, 30), IssueState(open_, 30, deleted=True), IssueState("cancelled", 9)]
        )
        == 100
    )
    assert derived_progress([IssueState("cancelled", 9)]) is None
    assert derived_progress([]) is None
    # Estimates of zero minutes only: by count.
    assert derived_progress([IssueState(done, 0), IssueState(open_, 0)]) == 50


def _issue(team: Team, issue_id: UUID, sequence: int, **fields: Any) -> Any:
    verb = fields.pop("verb", "updated")
    return issue_event(
        verb,
        issue_id=issue_id,
        workspace_id=team.workspace.id,
        project_id=team.project.id,
        sequence=sequence,
        **fields,
    )


async def _progress(client: httpx.AsyncClient, team: Team, milestone_id: str) -> int:
    response = await client.get(
        f"{milestones_url(team)}/{milestone_id}", headers=team.admin.headers
    )
    progress: int = response.json()["progress"]
    return progress


async def test_issue_events_move_progress_and_only_news_counts(
    client: httpx.AsyncClient,
    team: Team,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first, second = new_id(), new_id()
    await seeder.deliver(_issue(team, first, 1, verb="created", estimate_minutes=60))
    milestone = await add_milestone(client, team, progress=40, issue_ids=[str(first), str(second)])
    # The second issue is not known yet: open, without an estimate.
    assert milestone["progress"] == 0
    await seeder.deliver(_issue(team, second, 1, verb="created", estimate_minutes=180))
    completed = _issue(team, first, 2, state_group="completed", estimate_minutes=60)
    await seeder.deliver(completed)
    assert await _progress(client, team, milestone["id"]) == 25
    # The same event again, and an old one late: nothing changes.
    await seeder.deliver(completed)
    await seeder.deliver(republished(completed))
    await seeder.deliver(republished(_issue(team, first, 1, estimate_minutes=60)))
    assert await _progress(client, team, milestone["id"]) == 25
    # The open issue deleted: the completed one is all that counts.
    await seeder.deliver(
        _issue(team, second, 2, verb="deleted", estimate_minutes=180, deleted=True)
    )
    assert await _progress(client, team, milestone["id"]) == 100
    # Restored: it counts again.
    await seeder.deliver(_issue(team, second, 3, verb="restored", estimate_minutes=180))
    assert await _progress(client, team, milestone["id"]) == 25
    # Unlinked all: the progress set by hand applies again.
    response = await client.patch(
        f"{milestones_url(team)}/{milestone['id']}",
        json={"issue_ids": []},
        headers=team.admin.headers,
    )
    assert response.json()["progress"] == 40
    events = await outbox_events(sessionmaker, milestone["id"])
    assert [(e["type"], e["data"]["progress"], "actorid" in e) for e in events] == [
        ("resources.milestone.created", 0, True),
        ("resources.milestone.updated", 25, False),
        ("resources.milestone.updated", 100, False),
        ("resources.milestone.updated", 25, False),
        ("resources.milestone.updated", 40, True),
    ]


async def test_an_issue_of_another_project_cannot_be_linked(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder
) -> None:
    foreign = new_id()
    await seeder.deliver(
        issue_event(
            "created",
            issue_id=foreign,
            workspace_id=team.workspace.id,
            project_id=team.other_project.id,
            sequence=1,
        )
    )
    response = await client.post(
        milestones_url(team),
        json={
            "title": "X",
            "start_date": "2026-01-05",
            "due_date": "2026-01-09",
            "issue_ids": [str(foreign)],
        },
        headers=team.admin.headers,
    )
    assert_problem(response, 422, "unknown_reference")


async def test_an_issue_linked_before_it_was_known_never_counts_for_another_project(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder
) -> None:
    mine, foreign = new_id(), new_id()
    milestone = await add_milestone(client, team, issue_ids=[str(mine), str(foreign)])
    await seeder.deliver(_issue(team, mine, 1, verb="created", state_group="completed"))
    assert await _progress(client, team, milestone["id"]) == 50
    await seeder.deliver(
        issue_event(
            "created",
            issue_id=foreign,
            workspace_id=team.workspace.id,
            project_id=team.other_project.id,
            sequence=1,
        )
    )
    assert await _progress(client, team, milestone["id"]) == 100


async def test_a_link_and_an_event_about_the_issue_at_once_miss_nothing(
    client: httpx.AsyncClient,
    team: Team,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    milestone = await add_milestone(client, team)
    issue_id = new_id()
    # Hold the project's lock so that both the link and the event reach it, then let go.
    async with sessionmaker() as holder, holder.begin():
        await holder.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": project_lock_key(team.project.id)},
        )
        link = asyncio.create_task(
            client.patch(
                f"{milestones_url(team)}/{milestone['id']}",
                json={"issue_ids": [str(issue_id)]},
                headers=team.admin.headers,
            )
        )
        event = asyncio.create_task(
            seeder.deliver(_issue(team, issue_id, 1, verb="created", state_group="completed"))
        )

        async def both_wait() -> bool:
            return await waiting_for_project_lock(sessionmaker, team.project.id) == 2

        await eventually(both_wait)
    assert (await link).status_code == 200
    await event
    assert await _progress(client, team, milestone["id"]) == 100
