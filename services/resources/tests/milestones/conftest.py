"""Milestone test helpers: a project lead, and milestones made through the API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.resources.testing import Team


@pytest.fixture
async def lead(seeder: DirectorySeeder, team: Team) -> SeededUser:
    """A workspace member who is an admin of the team's project."""
    user = await seeder.member(team.workspace, display_name="Lea Lead")
    await seeder.project_member(team.project, user, role="admin")
    return user


def milestones_url(team: Team) -> str:
    return f"{team.base}/projects/{team.project.id}/milestones"


async def add_milestone(
    client: httpx.AsyncClient,
    team: Team,
    title: str = "Beta",
    start: str = "2026-01-05",
    due: str = "2026-01-09",
    **fields: Any,
) -> dict[str, Any]:
    response = await client.post(
        milestones_url(team),
        json={"title": title, "start_date": start, "due_date": due, **fields},
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    milestone: dict[str, Any] = response.json()
    return milestone


async def depend(
    client: httpx.AsyncClient, team: Team, successor: str, predecessor: str, lag: int = 0
) -> httpx.Response:
    return await client.post(
        f"{milestones_url(team)}/{successor}/dependencies",
        json={"depends_on_id": predecessor, "lag_days": lag},
        headers=team.admin.headers,
    )


def project_lock_key(project_id: UUID | str) -> str:
    return f"resources.milestones:{project_id}"


async def waiting_for_project_lock(
    sessionmaker: async_sessionmaker[AsyncSession], project_id: UUID | str
) -> int:
    """How many transactions wait for the project's milestone lock (an advisory lock on a
    64-bit key, which `pg_locks` splits into `classid` and `objid`)."""
    async with sessionmaker() as session:
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND ((classid::bigint << 32) | objid::bigint) "
                "= hashtextextended(:key, 0)"
            ),
            {"key": project_lock_key(project_id)},
        )
    return int(waiting or 0)
